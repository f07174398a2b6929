// Choose my GPU: budget, target models, speed floor, limits -> ranked picks (core: choose).
import { el, errorText, number, row, select, table, values } from '../ui.js';
import { tps, usd } from '../format.js';

export function mount(root, { catalog, request, params, setUrl }) {
  const models = [['', '—'], ...catalog.models.map((m) => [m.id, m.name])];
  const quants = catalog.quants.map((q) => [q.id, q.id]);
  const wl = (params.get('workloads') || 'qwen3-32b:Q4_K_M:16384').split(';');
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'Choose my GPU' }),
    row('Budget (USD)', number('budget_usd', params.get('budget_usd') || 2000, { min: 1 })),
    row('Prices', select('price', [['any', 'street price, else launch'], ['used', 'used only'], ['new', 'new only']], params.get('price') || 'any')),
    row('Minimum decode tok/s', number('min_decode_tps', params.get('min_decode_tps') || 20, { min: 0 })),
    row('Max cards', number('max_cards', params.get('max_cards') || 4, { min: 1, max: 8 })),
    row('Max watts (0 = no limit)', number('max_watts', params.get('max_watts') || 0, { min: 0 })),
    row('Macs allowed', select('mac_ok', [['true', 'yes'], ['false', 'no']], params.get('mac_ok') || 'true')),
    row('OS', select('os', [['', 'any'], ['linux', 'Linux'], ['windows', 'Windows'], ['macos', 'macOS (Macs only)']], params.get('os') || '')),
    row('Sort picks by', select('sort', [['price', 'price (cheapest first)'], ['speed', 'speed (fastest first)'],
      ['price_per_tps', 'price per token/s']], params.get('sort') || 'price')),
    row('Picks shown', number('limit', params.get('limit') || 25, { min: 1, max: 1000 })));
  for (let i = 0; i < 3; i++) {
    const [m, q, c] = (wl[i] || '').split(':');
    form.append(row(`Model ${i + 1}`, el('span', { className: 'pair' }, select(`m${i}`, models, m || ''),
      select(`q${i}`, quants, q || 'Q4_K_M'), number(`c${i}`, c || 8192, { min: 1, ariaLabel: `context ${i + 1}` }))));
  }
  const out = el('div', { className: 'panel', id: 'choose-result', ariaLive: 'polite' });
  root.replaceChildren(form, out);
  async function update() {
    const v = values(form);
    const workloads = [0, 1, 2].filter((i) => v[`m${i}`]).map((i) => ({ model: v[`m${i}`], quant: v[`q${i}`], context: v[`c${i}`] }));
    setUrl({ view: 'choose', budget_usd: v.budget_usd, price: v.price, min_decode_tps: v.min_decode_tps, max_cards: v.max_cards,
      max_watts: v.max_watts, mac_ok: v.mac_ok, os: v.os, sort: v.sort, limit: v.limit,
      workloads: workloads.map((w) => `${w.model}:${w.quant}:${w.context}`).join(';') });
    const req = { command: 'choose', budget_usd: v.budget_usd, price: v.price, min_decode_tps: v.min_decode_tps,
      max_cards: v.max_cards, mac_ok: v.mac_ok === 'true', workloads, sort: v.sort, limit: v.limit };
    if (Number(v.max_watts) > 0) req.max_watts = v.max_watts;
    if (v.os) req.os = v.os;
    out.dataset.ready = '0';
    const res = await request(req);
    if (!res.ok) { out.replaceChildren(el('p', { className: 'error', textContent: errorText(res) })); return; }
    out.replaceChildren(
      el('p', { textContent: `${res.passing} of ${res.candidates} priced setups within ${usd(res.budget_usd)} meet everything.` }),
      el('h3', { textContent: 'Picks' }),
      el('p', { className: 'muted', textContent: `Showing ${res.picks.length} of ${res.passing}, sorted by ${res.sort.replaceAll('_', ' ')}.` }),
      table(['#', 'Setup', ['Price', 'num'], ['$ per tok/s', 'num', 'tokens-per-second'], 'What it is', 'Why', 'Per model'], res.picks.map((p, i) => [String(i + 1), p.setup,
        { text: `${usd(p.price_usd)}`, className: 'num' }, { text: p.price_per_tps === null ? 'unknown' : usd(p.price_per_tps), className: 'num' },
        p.card.note, p.why,
        p.workloads.map((w) => `${w.model}: ${w.verdict.replaceAll('_', ' ')}, ${tps(w.decode_tps)} tok/s (${w.evidence ?? 'no figure'})`).join('; ')])),
      el('h3', { textContent: 'Why the others lose' }),
      table(['Setup', ['Price', 'num'], 'Why not'], res.rejected.map((r) => [r.setup, { text: usd(r.price_usd), className: 'num' }, r.why])),
      el('ul', { className: 'muted' }, ...res.assumptions.map((a) => el('li', { textContent: `Assumption: ${a}` }))));
    out.dataset.ready = '1';
  }
  form.addEventListener('change', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  return update();
}
