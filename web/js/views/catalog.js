// Catalog browser: models and hardware with key numbers and source links.
import { el, row, select, table, values } from '../ui.js';
import { paramCount } from '../format.js';

const srcLinks = (sources) => el('span', {}, ...sources.map((s, i) => el('a', { href: s.url, rel: 'noopener', target: '_blank',
  textContent: `[${i + 1}]`, title: `${s.url} (retrieved ${s.retrieved})` })));

export async function mount(root, { request, params, setUrl }) {
  const catalog = await request({ command: 'catalog' });  // the full listing, with sources
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'Catalog' }),
    row('Show', select('list', [['models', 'Models'], ['hardware', 'Hardware'], ['quants', 'Quantization formats'], ['clouds', 'Cloud GPU offers'], ['apis', 'API prices']], params.get('list') || 'models')),
    row('Filter', el('input', { name: 'q', type: 'search', value: params.get('q') || '', placeholder: 'name contains…' })));
  const out = el('div', { className: 'panel', id: 'catalog-result' });
  root.replaceChildren(form, out);
  function update() {
    const v = values(form);
    setUrl({ view: 'catalog', list: v.list, q: v.q });
    const q = v.q.toLowerCase();
    const keep = (name) => !q || name.toLowerCase().includes(q);
    const open = (qs, text) => el('a', { href: `?view=run&${qs}`, textContent: text });
    let t;
    if (v.list === 'models') {
      t = table(['Model', ['Params', 'num', 'parameters'], ['Layers', 'num', 'layers'], ['Context', 'num', 'context-length'], 'License', 'Released', 'Sources'],
        catalog.models.filter((m) => keep(m.name)).map((m) => [open(`model=${encodeURIComponent(m.id)}`, m.name),
          { text: paramCount(m.parameters), className: 'num' }, { text: String(m.block_count), className: 'num' },
          { text: String(m.context_length), className: 'num' }, m.license || '—', m.release_date || '—', srcLinks(m.sources)]));
    } else if (v.list === 'hardware') {
      t = table(['Hardware', ['Memory GB', 'num', 'vram'], ['Bandwidth GB/s', 'num', 'memory-bandwidth'], ['FP16 TFLOPS', 'num', 'tensor-cores'], ['TDP W', 'num', 'tdp'], 'Backends', 'Price', 'Sources'],
        catalog.hardware.filter((h) => keep(h.name)).map((h) => [open(`hardware=${encodeURIComponent(h.id)}`, h.name),
          { text: h.memory_gib ?? h.memory_options_gib.join('/'), className: 'num' }, { text: h.memory_bandwidth_gb_s ?? '—', className: 'num' },
          { text: h.fp16_tflops_dense ?? '—', className: 'num' }, { text: h.tdp_w ?? '—', className: 'num' }, h.backends.join(', '),
          h.street_price_usd ? `$${h.street_price_usd} (${h.street_price_date})` : h.launch_price_usd ? `$${h.launch_price_usd} launch` : '—', srcLinks(h.sources)]));
    } else if (v.list === 'quants') {
      t = table(['Format', 'Kind', ['Bits/weight', '', 'bits-per-weight'], 'Runtimes', 'Sources'], catalog.quants.filter((x) => keep(x.id)).map((x) =>
        [x.id, x.kind, x.bits_per_weight ?? 'per-tensor rules', x.runtimes.join(', '), srcLinks(x.sources)]));
    } else if (v.list === 'clouds') {
      t = table(['Provider', 'Offer', 'GPU', ['USD/h', 'num'], 'Date', 'Sources'], catalog.clouds.filter((o) => keep(`${o.provider} ${o.offer}`)).map((o) =>
        [o.provider, o.offer, `${o.gpu_count} × ${o.gpu}`, { text: String(o.price_usd_per_hour), className: 'num' }, o.price_date || 'undated', srcLinks(o.sources)]));
    } else {
      t = table(['Provider', 'Model', ['In $/M', 'num'], ['Out $/M', 'num'], 'Date', 'Sources'], catalog.apis.filter((a) => keep(`${a.provider} ${a.model}`)).map((a) =>
        [a.provider, a.model, { text: String(a.input_usd_per_mtok), className: 'num' }, { text: String(a.output_usd_per_mtok), className: 'num' }, a.retired ? `${a.price_date || 'undated'}, retired ${a.retired}` : a.price_date || 'undated', srcLinks(a.sources)]));
    }
    out.replaceChildren(t);
    out.dataset.ready = '1';
  }
  form.addEventListener('input', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  update();
}
