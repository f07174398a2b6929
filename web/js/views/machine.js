// My machine: what to run here. First the best models for a use case, ranked by published
// quality among those that run at the use case's context and speed floor (core: recommend);
// then every catalog model at one quant, bucketed by verdict (core: choose --hardware).
import { el, errorText, number, row, select, table, values } from '../ui.js';
import { num, tps } from '../format.js';

// The ranked answer: model, quant, speed with its band, quality with its sources, quant loss.
function bestFor(res, v) {
  const spec = (q) => (Number(v.count) > 1 ? `&count=${v.count}` : '') + `&ram=${v.ram_gb}&context=${q.context}`;
  const quality = (x) => {
    if (x.quality === null) return { text: 'unknown', className: 'num muted' };
    const rows = x.quality_rows.map((q) => `${q.value} (${q.variant}; ${q.setting}; ${q.reported_by})`).join('\n');
    return { text: num(x.quality, 1), className: 'num', title: `median of:\n${rows}` };
  };
  const loss = (x) => (x.quant_loss ? { text: num(x.quant_loss.kld_mean, 3), className: 'num', title: `mean KL divergence vs F16 on ${x.quant_loss.model}${x.quant_loss.imatrix ? ' (imatrix)' : ''}` } : { text: 'unknown', className: 'num muted' });
  const u = res.use_case;
  return el('section', { id: 'best-for' },
    el('h2', { textContent: `Best for ${u.name.toLowerCase()}` }),
    el('p', { className: 'muted', textContent: `${u.description} Context ${Number(res.context).toLocaleString('en-US')} tokens, at least ${num(res.min_decode_tps, 0)} tok/s, quant loss up to KLD ${num(res.max_kld, 2)}. ${res.runnable} catalog models run here within these limits.` }),
    table(['#', 'Model', ['Quant', '', 'quantization'], ['Decode tok/s', 'num', 'decode'], [u.benchmark ? u.benchmark : 'Quality', 'num'], ['KLD vs F16', 'num'], 'Fit'],
      res.ranked.map((x) => [String(x.rank),
        el('a', { href: `?view=run&model=${encodeURIComponent(x.model)}&quant=${encodeURIComponent(x.quant)}&hardware=${encodeURIComponent(v.hardware)}${spec(x)}`, textContent: x.name }),
        x.quant, { text: `${tps(x.decode_tps)} (${tps(x.decode_tps_low)}–${tps(x.decode_tps_high)})`, className: 'num' }, quality(x), loss(x),
        x.tier === 'within your limits' ? x.verdict.replace(/_/g, ' ') : `${x.verdict.replace(/_/g, ' ')}; ${x.tier}`])),
    res.why_not.length ? el('div', {}, el('h3', { textContent: 'Better scores that do not make it' }),
      el('ul', { id: 'why-not' }, ...res.why_not.map((w) => el('li', { textContent: `${w.name} (${num(w.score, 1)}): ${w.reason}` })))) : null,
    el('ul', { className: 'note' }, ...res.notes.map((n) => el('li', { textContent: n }))));
}

export async function mount(root, { catalog, request, params, setUrl }) {
  const hw = catalog.hardware.map((h) => [h.id, h.name]);
  const opts = await request({ command: 'options' });
  const cases = opts.ok ? opts.use_cases : [];
  const form = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'My machine: what should I run?' }),
    row('Hardware', select('hardware', hw, params.get('hardware') || 'rtx-4090')),
    row('Identical GPUs', number('count', params.get('count') || 1, { min: 1, max: 8 })),
    row('System / unified RAM (GB)', number('ram_gb', params.get('ram_gb') || 32, { min: 1 })),
    row('Use case', select('use_case', cases.map((c) => [c.id, c.name]), params.get('use_case') || 'chat')),
    row('At least (tok/s, empty = the use case\'s)', number('min_tps', params.get('min_tps') || '', { min: 0 })),
    row('Quant loss up to (KLD vs F16)', number('max_kld', params.get('max_kld') || '', { min: 0, step: 0.01 })));
  const form2 = el('form', { className: 'panel', autocomplete: 'off' }, el('h2', { textContent: 'Every catalog model at one quant' }),
    row('Quantization', select('quant', catalog.quants.map((q) => [q.id, q.id]), params.get('quant') || 'Q4_K_M')),
    row('Context (tokens)', number('context', params.get('context') || 4096, { min: 1 })),
    row('Family', select('family', [['', 'all'], ...[...new Set(catalog.models.map((m) => m.family))].sort().map((f) => [f, f])], params.get('family') || '')),
    row('Largest model (billions of parameters, 0 = any)', number('max_b', params.get('max_b') || 0, { min: 0 })),
    row('Sort by', select('sort', [['speed', 'decode speed'], ['name', 'name']], params.get('sort') || 'speed')));
  const best = el('div', { className: 'panel', id: 'machine-best', ariaLive: 'polite' });
  const out = el('div', { className: 'panel', id: 'machine-result', ariaLive: 'polite' });
  root.replaceChildren(form, best, form2, out);
  const fam = Object.fromEntries(catalog.models.map((m) => [m.id, m.family]));
  const size = Object.fromEntries(catalog.models.map((m) => [m.id, m.parameters]));
  async function update() {
    const v = { ...values(form), ...values(form2) };
    setUrl({ view: 'machine', ...v });
    const machine = Number(v.count) > 1 ? `${v.hardware}x${v.count}` : v.hardware;
    const rq = { command: 'recommend', hardware: machine, ram_gb: v.ram_gb, use_case: v.use_case };
    if (v.min_tps !== '') rq.min_decode_tps = v.min_tps;
    if (v.max_kld !== '') rq.max_kld = v.max_kld;
    const rec = await request(rq);
    best.replaceChildren(rec.ok ? bestFor(rec, v) : el('p', { className: 'error', textContent: errorText(rec) }));
    const res = await request({ command: 'choose', hardware: Number(v.count) > 1 ? `${v.hardware}x${v.count}` : v.hardware,
      ram_gb: v.ram_gb, quant: v.quant, context: v.context });
    if (!res.ok) { out.replaceChildren(el('p', { className: 'error', textContent: errorText(res) })); return; }
    const groups = [['comfortable', 'Runs comfortably'], ['tradeoffs', 'Runs with tradeoffs'], ['will_not_run', 'Will not run']];
    out.replaceChildren(el('h2', { textContent: res.hardware }), ...groups.map(([k, title]) => {
      const list = res.models[k].filter((m) => (!v.family || fam[m.model] === v.family) && (!(Number(v.max_b) > 0) || size[m.model] <= Number(v.max_b) * 1e9));
      list.sort(v.sort === 'name' ? (a, b) => a.name.localeCompare(b.name) : (a, b) => ((b.decode_tps ?? -1) > (a.decode_tps ?? -1) ? 1 : (b.decode_tps ?? -1) < (a.decode_tps ?? -1) ? -1 : 0));
      const sec = el('section', {}, el('h3', { textContent: `${title} (${list.length})` }),
        table(['Model', ['Decode tok/s', 'num', 'decode'], 'Evidence', 'Why'],
          list.map((m) => [el('a', { href: `?view=run&model=${encodeURIComponent(m.model)}&quant=${encodeURIComponent(v.quant)}&hardware=${encodeURIComponent(v.hardware)}&count=${v.count}&ram=${v.ram_gb}&context=${m.context}`, textContent: m.name }),
            { text: tps(m.decode_tps), className: 'num' }, m.evidence ?? 'no figure', m.context_note ? `${m.reason} (${m.context_note})` : m.reason])));
      sec.dataset.bucket = k;
      return sec;
    }));
    out.dataset.ready = '1';
  }
  for (const f of [form, form2]) {
    f.addEventListener('input', update);
    f.addEventListener('submit', (e) => e.preventDefault());
  }
  return update();
}
