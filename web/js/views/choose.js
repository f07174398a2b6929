// Choose my GPU: budget, a use case or target models, speed floor, limits -> ranked picks (core:
// choose). For a use case the core ranks setups by the best-scoring model each runs.
import { el, errorText, number, row, select, table, values } from '../ui.js';
import { tps, usd } from '../format.js';

export async function mount(root, { catalog, request, params, setUrl }) {
  const opts = await request({ command: 'options' });
  const cases = opts.ok ? opts.use_cases : [];
  const models = [['', '—'], ...catalog.models.map((m) => [m.id, m.name])];
  const quants = catalog.quants.map((q) => [q.id, q.id]);
  const wl = (params.get('workloads') || 'qwen3-32b:Q4_K_M:16384').split(';');
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'Choose my GPU' }),
    row('Budget (USD)', number('budget_usd', params.get('budget_usd') || 2000, { min: 1 })),
    row('For', select('use_case', [['', 'the models I pick below'], ...cases.map((c) => [c.id, `the best model for: ${c.name}`])], params.get('use_case') || '')),
    row('Prices', select('price', [['any', 'street price, else launch'], ['used', 'used only'], ['new', 'new only']], params.get('price') || 'any')),
    row('Minimum decode tok/s (empty: 20, or the use case\'s)', number('min_decode_tps', params.get('min_decode_tps') || '', { min: 0 })),
    row('Max cards', number('max_cards', params.get('max_cards') || 4, { min: 1, max: 8 })),
    row('Max watts (0 = no limit)', number('max_watts', params.get('max_watts') || 0, { min: 0 })),
    row('Macs allowed', select('mac_ok', [['true', 'yes'], ['false', 'no']], params.get('mac_ok') || 'true')),
    row('OS', select('os', [['', 'any'], ['linux', 'Linux'], ['windows', 'Windows'], ['macos', 'macOS (Macs only)']], params.get('os') || '')),
    row('Sort picks by', select('sort', [['', 'default: price, or the best model for a use case'], ['price', 'price (cheapest first)'],
      ['speed', 'speed (fastest first)'], ['price_per_tps', 'price per token/s'], ['quality', 'best model first (use case)']], params.get('sort') || '')),
    row('Picks shown', number('limit', params.get('limit') || 25, { min: 1, max: 1000 })));
  const modelRows = [];
  for (let i = 0; i < 3; i++) {
    const [m, q, c] = (wl[i] || '').split(':');
    modelRows.push(row(`Model ${i + 1}`, el('span', { className: 'pair' }, select(`m${i}`, models, m || ''),
      select(`q${i}`, quants, q || 'Q4_K_M'), number(`c${i}`, c || 8192, { min: 1, ariaLabel: `context ${i + 1}` }))));
  }
  form.append(...modelRows);
  const out = el('div', { className: 'panel', id: 'choose-result', ariaLive: 'polite' });
  root.replaceChildren(form, out);
  async function update() {
    const v = values(form);
    const forUse = v.use_case !== '';
    for (const r of modelRows) r.hidden = forUse;
    const workloads = [0, 1, 2].filter((i) => v[`m${i}`]).map((i) => ({ model: v[`m${i}`], quant: v[`q${i}`], context: v[`c${i}`] }));
    setUrl({ view: 'choose', budget_usd: v.budget_usd, use_case: v.use_case, price: v.price, min_decode_tps: v.min_decode_tps, max_cards: v.max_cards,
      max_watts: v.max_watts, mac_ok: v.mac_ok, os: v.os, sort: v.sort, limit: v.limit,
      workloads: forUse ? '' : workloads.map((w) => `${w.model}:${w.quant}:${w.context}`).join(';') });
    const req = { command: 'choose', budget_usd: v.budget_usd, price: v.price, max_cards: v.max_cards, mac_ok: v.mac_ok === 'true', limit: v.limit };
    if (forUse) {
      req.use_case = v.use_case;
      req.sort = v.sort === 'price' ? 'price' : 'quality';  // speed and $/tok/s rank workloads
      if (v.min_decode_tps !== '') req.min_decode_tps = v.min_decode_tps;
    } else {
      req.workloads = workloads;
      req.sort = v.sort === 'quality' || v.sort === '' ? 'price' : v.sort;
      req.min_decode_tps = v.min_decode_tps === '' ? 20 : v.min_decode_tps;
    }
    if (Number(v.max_watts) > 0) req.max_watts = v.max_watts;
    if (v.os) req.os = v.os;
    out.dataset.ready = '0';
    const res = await request(req);
    if (!res.ok) { out.replaceChildren(el('p', { className: 'error', textContent: errorText(res) })); return; }
    const head = el('p', { textContent: `${res.passing} of ${res.candidates} priced setups within ${usd(res.budget_usd)} meet everything.` });
    const tail = [el('h3', { textContent: 'Why the others lose' }),
      res.rejected.length === 0 ? el('p', { className: 'muted', textContent: 'None: every priced setup within the budget qualifies.' })
        : table(['Setup', ['Price', 'num'], 'Why not'], res.rejected.map((r) => [r.setup, { text: usd(r.price_usd), className: 'num' }, r.why])),
      el('ul', { className: 'muted' }, ...res.assumptions.map((a) => el('li', { textContent: `Assumption: ${a}` })))];
    if (res.use_case) {
      const u = res.use_case;
      const reach = res.out_of_reach.length === 0 ? [] : [el('p', { id: 'choose-out-of-reach',
        textContent: `Better ${u.benchmark} models no setup within ${usd(res.budget_usd)} runs at ${res.context} tokens and ${res.min_decode_tps} tok/s: ${res.out_of_reach.map((m) => `${m.name} (${m.score})`).join(', ')}.` })];
      out.replaceChildren(head,
        el('p', { className: 'muted', textContent: `For ${u.name}: ranked by the best model each setup runs (${u.benchmark}, published scores), at ${res.context} tokens and at least ${res.min_decode_tps} tok/s, quant loss up to ${res.max_kld} KLD.` }),
        ...reach,
        el('h3', { textContent: 'Picks' }),
        table(['#', 'Setup', ['Price', 'num'], 'Best model it runs', [u.benchmark, 'num'], ['Quant', '', 'quantization'], ['Decode tok/s', 'num', 'decode'], 'Fit'],
          res.picks.map((p, i) => [String(i + 1), p.setup, { text: usd(p.price_usd), className: 'num' }, p.best_model.name,
            { text: String(p.best_model.score), className: 'num' }, p.best_model.quant,
            { text: `${tps(p.best_model.decode_tps)} (${p.best_model.evidence})`, className: 'num' },
            p.best_model.verdict === 'comfortable' ? 'comfortable' : 'with tradeoffs (part in system RAM or little headroom)'])),
        ...tail);
    } else {
      out.replaceChildren(head,
        el('h3', { textContent: 'Picks' }),
        el('p', { className: 'muted', textContent: `Showing ${res.picks.length} of ${res.passing}, sorted by ${res.sort.replaceAll('_', ' ')}.` }),
        table(['#', 'Setup', ['Price', 'num'], ['$ per tok/s', 'num', 'tokens-per-second'], 'What it is', 'Why', 'Per model'], res.picks.map((p, i) => [String(i + 1), p.setup,
          { text: `${usd(p.price_usd)}`, className: 'num' }, { text: p.price_per_tps === null ? 'unknown' : usd(p.price_per_tps), className: 'num' },
          p.card.note, p.why,
          p.workloads.map((w) => `${w.model}: ${w.verdict.replaceAll('_', ' ')}, ${tps(w.decode_tps)} tok/s (${w.evidence ?? 'no figure'})`).join('; ')])),
        ...tail);
    }
    out.dataset.ready = '1';
  }
  form.addEventListener('change', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  return update();
}
