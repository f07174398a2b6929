// My machine: every catalog model on this machine, bucketed by verdict (core: choose --hardware).
import { el, errorText, number, row, select, table, values } from '../ui.js';
import { tps } from '../format.js';

export function mount(root, { catalog, request, params, setUrl }) {
  const hw = catalog.hardware.map((h) => [h.id, h.name]);
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'My machine: which models run?' }),
    row('Hardware', select('hardware', hw, params.get('hardware') || 'rtx-4090')),
    row('Identical GPUs', number('count', params.get('count') || 1, { min: 1, max: 8 })),
    row('System / unified RAM (GB)', number('ram_gb', params.get('ram_gb') || 32, { min: 1 })),
    row('Quantization', select('quant', catalog.quants.map((q) => [q.id, q.id]), params.get('quant') || 'Q4_K_M')),
    row('Context (tokens)', number('context', params.get('context') || 4096, { min: 1 })),
    row('Family', select('family', [['', 'all'], ...[...new Set(catalog.models.map((m) => m.family))].sort().map((f) => [f, f])], params.get('family') || '')),
    row('Largest model (billions of parameters, 0 = any)', number('max_b', params.get('max_b') || 0, { min: 0 })),
    row('Sort by', select('sort', [['speed', 'decode speed'], ['name', 'name']], params.get('sort') || 'speed')));
  const out = el('div', { className: 'panel', id: 'machine-result', ariaLive: 'polite' });
  root.replaceChildren(form, out);
  const fam = Object.fromEntries(catalog.models.map((m) => [m.id, m.family]));
  const size = Object.fromEntries(catalog.models.map((m) => [m.id, m.parameters]));
  async function update() {
    const v = values(form);
    setUrl({ view: 'machine', ...v });
    const res = await request({ command: 'choose', hardware: Number(v.count) > 1 ? `${v.hardware}x${v.count}` : v.hardware,
      ram_gb: v.ram_gb, quant: v.quant, context: v.context });
    if (!res.ok) { out.replaceChildren(el('p', { className: 'error', textContent: errorText(res) })); return; }
    const groups = [['comfortable', 'Runs comfortably'], ['tradeoffs', 'Runs with tradeoffs'], ['will_not_run', 'Will not run']];
    out.replaceChildren(el('h2', { textContent: res.hardware }), ...groups.map(([k, title]) => {
      const list = res.models[k].filter((m) => (!v.family || fam[m.model] === v.family) && (!(Number(v.max_b) > 0) || size[m.model] <= Number(v.max_b) * 1e9));
      list.sort(v.sort === 'name' ? (a, b) => a.name.localeCompare(b.name) : (a, b) => ((b.decode_tps ?? -1) > (a.decode_tps ?? -1) ? 1 : (b.decode_tps ?? -1) < (a.decode_tps ?? -1) ? -1 : 0));
      const sec = el('section', {}, el('h3', { textContent: `${title} (${list.length})` }),
        table(['Model', ['Decode tok/s', 'num'], 'Evidence', 'Why'],
          list.map((m) => [el('a', { href: `?view=run&model=${encodeURIComponent(m.model)}&quant=${encodeURIComponent(v.quant)}&hardware=${encodeURIComponent(v.hardware)}&count=${v.count}&ram=${v.ram_gb}&context=${m.context}`, textContent: m.name }),
            { text: tps(m.decode_tps), className: 'num' }, m.evidence ?? 'no figure', m.context_note ? `${m.reason} (${m.context_note})` : m.reason])));
      sec.dataset.bucket = k;
      return sec;
    }));
    out.dataset.ready = '1';
  }
  form.addEventListener('input', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  return update();
}
