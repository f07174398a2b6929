// Cost vs cloud: own vs rent vs API with a cumulative chart (core: cost).
import { el, errorText, number, row, select, table, values } from '../ui.js';
import { lineChart } from '../chart.js';
import { billions, num, tps, usd } from '../format.js';

export function mount(root, { catalog, request, params, setUrl }) {
  const p = (k, d) => params.get(k) ?? d;
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'Cost vs cloud' }),
    row('Model', select('model', catalog.models.map((m) => [m.id, m.name]), p('model', 'llama-3.1-8b'))),
    row('Quantization', select('quant', catalog.quants.map((q) => [q.id, q.id]), p('quant', 'Q4_K_M'))),
    row('Context (tokens)', number('context', p('context', 8192), { min: 1 })),
    row('Hardware you would buy', select('hardware', catalog.hardware.map((h) => [h.id, h.name]), p('hardware', 'rtx-3090'))),
    row('Identical GPUs', number('count', p('count', 1), { min: 1, max: 8 })),
    row('Your price (USD, blank = catalog)', number('price_usd', p('price_usd', ''), { min: 0 })),
    row('Output tokens per day', number('output_tokens_per_day', p('output_tokens_per_day', 2000000), { min: 1 })),
    row('Input tokens per output token', number('input_output_ratio', p('input_output_ratio', 3), { min: 0, step: 'any' })),
    row('Electricity (USD per kWh)', number('usd_per_kwh', p('usd_per_kwh', 0.17), { min: 0, step: 'any' })),
    row('Hardware life (years)', number('life_years', p('life_years', 3), { min: 0.1, step: 'any' })),
    row('Resale at end of life (fraction)', number('resale_fraction', p('resale_fraction', 0), { min: 0, max: 0.95, step: 'any' })));
  const out = el('div', { className: 'panel', id: 'cost-result', ariaLive: 'polite' });
  root.replaceChildren(form, out);
  async function update() {
    const v = values(form);
    setUrl({ view: 'cost', ...v });
    const req = { command: 'cost', model: v.model, quant: v.quant, context: v.context,
      hardware: Number(v.count) > 1 ? `${v.hardware}x${v.count}` : v.hardware, output_tokens_per_day: v.output_tokens_per_day,
      input_output_ratio: v.input_output_ratio, usd_per_kwh: v.usd_per_kwh, life_years: v.life_years, resale_fraction: v.resale_fraction };
    if (v.price_usd !== '') req.price_usd = v.price_usd;
    const res = await request(req);
    if (!res.ok) { out.replaceChildren(el('p', { className: 'error', textContent: errorText(res) })); return; }
    const o = res.own, r = res.rent[0], a = res.api[0];
    const be = (b) => (b === null ? 'no option to compare' : b.months === null ? b.note
      : `${num(b.months, 1)} months (${billions(b.tokens)} tokens)${b.within_life === false ? ` — ${b.note}` : ''}`);
    const chart = el('figure', { className: 'chart', id: 'cost-chart' });
    out.replaceChildren(
      table(['Option', ['USD / month', 'num'], ['USD / M tokens', 'num', 'cost-per-million-tokens'], 'Details'], [
        [`Own: ${o.setup}`, { text: usd(o.usd_per_month), className: 'num' }, { text: usd(o.usd_per_million_tokens), className: 'num' },
          `${usd(o.price_usd)} (${o.price_basis}); capital ${usd(o.capital_usd_per_month)} + power ${usd(o.electricity_usd_per_month)} a month; busy ${num(o.busy_hours_per_day, 1)} h/day at ${tps(o.decode_tps)} tok/s (${o.evidence})`],
        ...(r ? [[`Rent: ${r.provider} ${r.offer}`, { text: usd(r.usd_per_month), className: 'num' }, { text: usd(r.usd_per_million_tokens), className: 'num' },
          `${usd(r.usd_per_hour)}/h (${r.price_date || 'undated'}), ${num(r.busy_hours_per_day, 1)} h/day at ${tps(r.decode_tps)} tok/s`]] : []),
        ...(a ? [[`API: ${a.provider} ${a.model}`, { text: usd(a.usd_per_month), className: 'num' }, { text: usd(a.usd_per_million_tokens), className: 'num' },
          `$${a.input_usd_per_mtok} in / $${a.output_usd_per_mtok} out per M tokens (${a.price_date || 'undated'})`]] : []),
      ]),
      el('p', { id: 'breakeven', textContent: `Break-even vs renting: ${be(res.break_even_vs_rent)}. vs the API: ${be(res.break_even_vs_api)}.` }),
      chart,
      el('ul', { className: 'muted' }, ...res.assumptions.map((x) => el('li', { textContent: `Assumption: ${x}` }))));
    const pts = (k) => res.series.filter((s) => s[k] !== null).map((s) => [s.month, s[k], `month ${s.month}`, usd(s[k])]);
    const bm = res.break_even_vs_rent && res.break_even_vs_rent.months;
    lineChart(chart, { series: [{ name: 'own', color: '#3a6fd8', points: pts('own') }, { name: 'rent', color: '#d08a1e', points: pts('rent') },
      { name: 'API', color: '#2fa37a', points: pts('api'), dashed: true }],
    xTitle: 'months', yTitle: 'cumulative USD', caption: 'Cumulative cost over the hardware life',
    marker: bm !== null && bm !== undefined && bm <= res.series.length ? { x: bm, label: 'break-even vs rent' } : null });
    out.dataset.ready = '1';
  }
  form.addEventListener('input', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  return update();
}
