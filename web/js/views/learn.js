// Learn: the glossary, each entry rendered by the core (command: learn) so that every number in
// it is an engine result computed now - the same code as the calculator, never typed by hand.
// ?view=learn lists and searches the terms; &term=ID opens one, with a link that opens the tool
// prefilled with its example.
import { el, table } from '../ui.js';

const CATEGORY = { guide: 'Guides', hardware: 'Hardware', model: 'Models', format: 'Formats', runtime: 'Runtimes', speed: 'Speed', cost: 'Cost' };

// The Will it run? link for an example's request.
function toolLink(q) {
  const p = new URLSearchParams({ view: 'run' });
  for (const k of ['model', 'quant', 'context', 'hardware']) if (q[k] !== undefined) p.set(k, q[k]);
  if (q.kv_type !== undefined) p.set('kv', q.kv_type);
  if (q.ram_gb !== undefined) p.set('ram', q.ram_gb);
  return `?${p}`;
}

async function entry(request, id) {
  const r = await request({ command: 'learn', term: id });
  if (!r.ok) return el('div', { className: 'panel error', role: 'alert', textContent: `${r.error.field ? `${r.error.field}: ` : ''}${r.error.message}` });
  const link = (x) => el('a', { href: `?view=learn&term=${encodeURIComponent(x.id)}`, textContent: x.term });
  return el('article', { className: 'panel learn-entry', id: 'learn-entry' },
    el('p', { className: 'muted' }, el('a', { href: '?view=learn', textContent: 'Learn' }), ` · ${CATEGORY[r.category] || r.category}`),
    el('h2', { textContent: r.term }),
    r.aliases.length ? el('p', { className: 'muted', textContent: `Also: ${r.aliases.join(', ')}` }) : null,
    el('p', { className: 'lead', textContent: r.short }),
    el('p', { textContent: r.body }),
    // A guide's table: every cell computed by the engine now (the same templates as the prose).
    r.table ? el('div', { id: 'learn-table' }, table(r.table.head, r.table.rows)) : null,
    el('h3', { textContent: 'Example' }),
    el('p', { id: 'learn-example', textContent: r.example.text }),
    el('p', {}, el('a', { href: toolLink(r.example.request), id: 'learn-open', textContent: 'Open this example in Will it run?' })),
    el('h3', { textContent: `In ${r.workflow.runtime}` }),
    el('p', { textContent: r.workflow.text }),
    el('pre', { className: 'cmd', textContent: r.workflow.command }),
    r.errors.length ? el('div', {}, el('h3', { textContent: 'When it does not work' }),
      el('ul', {}, ...r.errors.map((e) => el('li', {}, el('a', { href: `?view=troubleshoot&error=${encodeURIComponent(e.id)}`, textContent: e.match }), ` (${e.runtime})`)))) : null,
    r.related.length ? el('p', {}, 'Related: ', ...r.related.flatMap((x, i) => (i ? [', ', link(x)] : [link(x)]))) : null,
    el('details', { className: 'note' }, el('summary', { textContent: `The ${r.values.length} numbers above, as the engine computed them` }),
      el('ul', {}, ...r.values.map((v) => el('li', {}, el('code', { textContent: v.template }), ` → ${v.text}`)))),
    r.unresolved.length ? el('p', { className: 'note off', textContent: `Not computed: ${r.unresolved.join('; ')}` }) : null,
    el('p', { className: 'note' }, 'Sources: ', ...r.sources.flatMap((s, i) => [i ? ' · ' : '', el('a', { href: s.url, rel: 'noopener', target: '_blank', textContent: new URL(s.url).hostname }), ` (${s.retrieved})`])));
}

export async function mount(root, { request, params, setUrl }) {
  const list = await request({ command: 'learn' });
  const search = el('input', { type: 'search', id: 'learn-search', placeholder: 'Search terms (kv cache, gguf, offload ...)', ariaLabel: 'Search the glossary', value: params.get('q') || '' });
  const index = el('div', { id: 'learn-index', className: 'panel' });
  const body = el('div', { id: 'learn-body' });
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const hits = list.terms.filter((t) => !q || `${t.term} ${t.aliases.join(' ')} ${t.short} ${t.id}`.toLowerCase().includes(q));
    const groups = Object.keys(CATEGORY).map((c) => [c, hits.filter((t) => t.category === c)]).filter(([, ts]) => ts.length);
    index.replaceChildren(...groups.map(([c, ts]) => el('section', { className: 'learn-group' }, el('h3', { textContent: CATEGORY[c] }),
      el('ul', {}, ...ts.sort((a, b) => a.term.localeCompare(b.term)).map((t) => el('li', {},
        el('a', { href: `?view=learn&term=${encodeURIComponent(t.id)}`, textContent: t.term }), el('span', { className: 'muted', textContent: ` — ${t.short}` })))))));
    if (!hits.length) index.replaceChildren(el('p', { textContent: `No term matches "${search.value}".` }));
  };
  search.addEventListener('input', () => { draw(); setUrl({ view: 'learn', q: search.value }); });
  const term = params.get('term');
  root.replaceChildren(el('div', {},
    el('div', { className: 'panel' }, el('h2', { textContent: 'Learn' }),
      el('p', { textContent: `${list.terms.filter((t) => t.category !== 'guide').length} terms a local-AI user meets, and ${list.terms.filter((t) => t.category === 'guide').length} guides. Every size, speed, context and price in an entry is computed by the engine when you open it, from the same catalog and code as the calculator.` }),
      term ? null : search),
    term ? body : index));
  if (term) body.replaceChildren(await entry(request, term));
  else draw();
  root.firstChild.dataset.ready = '1';
}
