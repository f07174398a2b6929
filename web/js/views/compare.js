// Compare 2-6 setups for one workload (core: compare).
import { el, errorText, number, row, select, table, term, values } from '../ui.js';
import { int, num, tps, usd } from '../format.js';

const METRICS = [
  ['Verdict', 'verdict', (r) => r.verdict.replaceAll('_', ' ')],
  [['Headroom (GiB)', 'vram'], 'headroom_gib', (r) => num(r.headroom_gib, 2)],
  [['Decode tok/s', 'decode'], 'decode_tps', (r) => `${tps(r.decode_tps)} (${tps(r.decode_tps_low)}–${tps(r.decode_tps_high)}, ${r.evidence})`],
  [['With speculative decoding, tok/s', 'speculative-decoding'], 'speculative_decode_tps', (r) => (r.speculative_decode_tps === null ? '—'
    : `${tps(r.speculative_decode_tps)} (${tps(r.speculative_decode_tps_low)}–${tps(r.speculative_decode_tps_high)})`), 'speculative'],
  [['Prefill tok/s', 'prefill'], 'prefill_tps', (r) => tps(r.prefill_tps)],
  [['Max context', 'max-context'], 'max_context_fits', (r) => (r.max_context_fits === null ? '—' : int(r.max_context_fits))],
  ['Price', 'price_usd', (r) => (r.price_usd === null ? 'unknown' : `${usd(r.price_usd)} (${r.price_basis})`)],
  ['$ per GB', 'price_per_gb', (r) => usd(r.price_per_gb)],
  [['$ per tok/s', 'tokens-per-second'], 'price_per_tps', (r) => usd(r.price_per_tps)],
  [['Watts (TDP)', 'tdp'], 'watts', (r) => (r.watts === null ? 'unknown' : `${r.watts} W`)],
  ['Tokens per joule', 'tokens_per_joule', (r) => num(r.tokens_per_joule, 3)],
];

export function mount(root, { catalog, request, params, setUrl }) {
  const hw = catalog.hardware.map((h) => [h.id, h.name]);
  const models = catalog.models.map((m) => [m.id, m.name]);
  // Drafts: EAGLE-3 heads first (they exist only as drafts), then every model.
  const drafts = [['', '—'], ...(catalog.heads || []).map((m) => [m.id, m.name]), ...models];
  const setups = (params.get('setups') || 'rtx-3090x2;rtx-4090x2;apple-m4-max-40c').split(';').slice(0, 6);
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'Compare hardware' }),
    row('Model', select('model', models, params.get('model') || 'llama-3.1-70b')),
    row('Quantization', select('quant', catalog.quants.map((q) => [q.id, q.id]), params.get('quant') || 'Q4_K_M')),
    row('Context (tokens)', number('context', params.get('context') || 16384, { min: 1 })),
    row('Speculative decoding', select('speculative', [['', 'off'], ['draft', 'draft model'], ['mtp', 'MTP layers'],
      ['eagle3', 'EAGLE-3 head'], ['ngram', 'n-gram lookup']], params.get('speculative') || '')),
    row('Draft model', select('draft_model', drafts, params.get('draft_model') || '')),
    row('Acceptance (0–0.99)', number('acceptance', params.get('acceptance') || '', { min: 0, max: 0.99, step: 0.01 })),
    row('Text generated', select('task', [['', 'any (the whole range)'], ['chat', 'chat'], ['code', 'code'], ['math', 'math'],
      ['summarization', 'summarization']], params.get('task') || '')));
  const list = el('div', { id: 'setups' });
  const addSetup = (spec) => {
    const m = /^(.*?)(?:x(\d+))?$/.exec(spec || 'rtx-4090');
    const s = select('hw', hw, m[1]);
    const c = number('n', m[2] || 1, { min: 1, max: 8, ariaLabel: 'cards' });
    const rm = el('button', { type: 'button', textContent: 'Remove' });
    const line = el('div', { className: 'pair' }, s, el('span', { textContent: '×' }), c, rm);
    // The removed row took the focus with it: hand it to "Add a setup".
    rm.addEventListener('click', () => { if (list.children.length > 2) { line.closest('.row').remove(); add.focus(); update(); } });
    list.append(row(`Setup`, line));
  };
  setups.forEach(addSetup);
  const add = el('button', { type: 'button', textContent: 'Add a setup' });
  add.addEventListener('click', () => { if (list.children.length < 6) { addSetup('rtx-4090'); update(); } });
  form.append(list, add);
  const out = el('div', { className: 'panel', id: 'compare-result', ariaLive: 'polite' });
  root.replaceChildren(form, out);
  async function update() {
    const v = values(form);
    const specs = [...list.querySelectorAll('.pair')].map((p) => {
      const n = p.querySelector('[name=n]').value;
      return Number(n) > 1 ? `${p.querySelector('[name=hw]').value}x${n}` : p.querySelector('[name=hw]').value;
    });
    // Speculative fields only when chosen (the core checks them and names a bad one).
    const spec = Object.fromEntries(['speculative', 'draft_model', 'acceptance', 'task'].filter((k) => v[k] !== '' && v[k] !== undefined && (k === 'speculative' || v.speculative)).map((k) => [k, v[k]]));
    setUrl({ view: 'compare', model: v.model, quant: v.quant, context: v.context, setups: specs.join(';'), ...spec });
    const res = await request({ command: 'compare', model: v.model, quant: v.quant, context: v.context, setups: specs, ...spec });
    if (!res.ok) { out.replaceChildren(el('p', { className: 'error', textContent: errorText(res) })); return; }
    const win = (key, i) => (key === 'verdict' ? res.winners.verdict.includes(i) : res.winners[key] === i);
    out.replaceChildren(table(['', ...res.setups.map((s) => s.setup)],
      METRICS.filter(([, , , only]) => only !== 'speculative' || spec.speculative).map(([label, key, f]) => [Array.isArray(label) ? term(...label) : label, ...res.setups.map((s, i) => ({ text: f(s), className: win(key, i) ? 'win' : '' }))])),
    el('ul', { className: 'plain', id: 'deltas' }, ...res.deltas.map((d) => el('li', { textContent: d }))));
    out.dataset.ready = '1';
  }
  form.addEventListener('input', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  return update();
}
