// Troubleshoot: paste (or drop) a runtime's log; the core reads it (command: diagnose) and says
// what the log shows, runcheck's buffers beside the log's, what overflowed and by how much, and
// fixes it has re-run itself. The log stays in this tab: it is never put in the URL or sent
// anywhere; only the request derived from it travels, in the links to Will it run?.
import { el, row, table } from '../ui.js';
import { num } from '../format.js';

// A fix's command in the log's own runtime (llama-server when the runtime has none).
const FIX_COMMAND_KEY = { 'llama.cpp': 'llama_server', ollama: 'ollama', vllm: 'vllm', lmstudio: 'lmstudio' };
function fixCommand(commands, runtime) {
  if (!commands) return null;
  return commands[FIX_COMMAND_KEY[runtime] || 'llama_server'] || commands.llama_server || null;
}

// The core takes requests up to 4 MiB; a longer log keeps its head (model, devices) and its
// tail (the failure), which is where the facts are.
const MAX_SENT = 3_000_000;
const KEEP = MAX_SENT / 2;
// A file is read up to this many bytes (the core reads 16 MiB of a log at most).
const MAX_FILE = 16 * 1024 * 1024;

function trimmed(text) {
  if (text.length <= MAX_SENT) return { text, note: '' };
  return {
    text: `${text.slice(0, KEEP)}\n${text.slice(-KEEP)}`,
    note: `The log is ${num(text.length / 1e6, 1)} MB: its first and last ${num(KEEP / 1e6, 1)} MB were read.`,
  };
}

// The Will it run? link for a request (the run view's URL keys).
function runLink(q) {
  const p = new URLSearchParams({ view: 'run' });
  for (const k of ['model', 'quant', 'context']) if (q[k] !== undefined) p.set(k, q[k]);
  if (typeof q.hardware === 'string') {
    const ids = q.hardware.split(',');
    p.set('hardware', ids[0]);
    if (ids.every((h) => h === ids[0])) p.set('count', String(ids.length));
  }
  if (q.n_cpu_moe !== undefined) p.set('ncm', q.n_cpu_moe);
  if (q.gpu_layers !== undefined) p.set('ngl', q.gpu_layers);
  if (q.kv_type !== undefined) p.set('kv', q.kv_type);
  if (q.flash_attn !== undefined) p.set('fa', q.flash_attn ? 'on' : 'off');
  if (q.ram_gb !== undefined) p.set('ram', q.ram_gb);
  return `?${p}`;
}

const mib = (v) => (typeof v === 'number' ? `${num(v, 2)} MiB` : '—');

// The errors knowledge base (catalog/errors.json through the core), searchable; `open` is the id
// to show first (from ?error=ID, or a matched line's "more" link).
async function knowledgeBase(request, open) {
  const res = await request({ command: 'catalog', list: 'errors' });
  const search = el('input', { id: 'kb-search', type: 'search', placeholder: 'Filter: an error text, a runtime, a word' });
  const list = el('div', { id: 'kb-list' });
  const entry = (e) => el('details', { className: 'kb', id: `kb-${e.id}`, open: e.id === open },
    el('summary', {}, el('code', { textContent: e.match }), el('span', { className: 'note', textContent: ` — ${e.runtime}, ${e.category}` })),
    el('p', { textContent: e.meaning }),
    el('pre', { className: 'cmd', textContent: e.example + (e.example_is_constructed ? '\n(example built from the source\'s format string)' : '') }),
    el('h4', { textContent: 'Causes' }), el('ul', {}, ...e.causes.map((c) => el('li', { textContent: c }))),
    el('h4', { textContent: 'Fixes' }), el('ul', {}, ...e.fixes.map((x) => el('li', { textContent: x.syntax ? `${x.text} (${x.syntax})` : x.text }))),
    el('p', { className: 'note' }, 'Sources: ', ...e.sources.flatMap((s, i) => [i ? ', ' : '', el('a', { href: s.url, rel: 'noopener', target: '_blank', textContent: new URL(s.url).pathname.split('/').slice(1, 3).join('/') + (s.url.includes('/issues/') || s.url.includes('/pull/') ? ` #${s.url.split('/').pop()}` : '') })])),
    el('p', {}, el('a', { href: '?view=troubleshoot', className: 'kb-paste', textContent: 'Paste your log with this error' })));
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const hits = res.errors.filter((e) => !q || `${e.match} ${e.runtime} ${e.category} ${e.meaning}`.toLowerCase().includes(q));
    list.replaceChildren(...(hits.length ? hits.map(entry) : [el('p', { textContent: 'No entry matches.' })]));
  };
  search.addEventListener('input', render);
  render();
  return el('div', {}, el('p', { textContent: `${res.errors.length} messages of llama.cpp, Ollama, LM Studio, vLLM, MLX, ExLlamaV2 and the GPU layers, each with what it means, what fixes it, the source line that prints it and a public report.` }), search, list);
}

export async function mount(root, { request, params }) {
  const box = el('textarea', { id: 'log-text', rows: 10, spellcheck: false, placeholder: 'Paste the output of llama-server, llama-cli, Ollama (server log), vLLM, MLX-LM or LM Studio here' });
  const file = el('input', { type: 'file', id: 'log-file', accept: '.log,.txt,text/plain' });
  const overrides = {
    model: el('input', { id: 'ts-model', name: 'model', placeholder: 'from the log' }),
    quant: el('input', { id: 'ts-quant', name: 'quant', placeholder: 'from the log' }),
    hardware: el('input', { id: 'ts-hardware', name: 'hardware', placeholder: 'from the log' }),
    context: el('input', { id: 'ts-context', name: 'context', type: 'number', placeholder: 'from the log' }),
    ram_gb: el('input', { id: 'ts-ram', name: 'ram_gb', type: 'number', placeholder: 'not in logs' }),
  };
  const go = el('button', { type: 'button', id: 'diagnose', textContent: 'Diagnose' });
  const note = el('p', { className: 'note', id: 'ts-note' });
  const out = el('div', { id: 'ts-result', ariaLive: 'polite' });
  const form = el('div', { className: 'panel' },
    el('h2', { textContent: 'Troubleshoot a failed load' }),
    el('p', { textContent: 'The log is read here, in this tab; nothing is uploaded and it never goes into the link.' }),
    box, row('…or open a log file', file),
    el('details', { id: 'ts-edit' }, el('summary', { textContent: 'Correct what was read (model id, quant, hardware id, context, system RAM)' }),
      ...Object.entries(overrides).map(([k, c]) => row(k.replace('_gb', ' (GB)'), c))),
    go, note);
  const openId = params?.get('error') || '';
  const kb = el('details', { className: 'panel', id: 'kb', open: Boolean(openId) }, el('summary', {}, el('h2', { textContent: 'Error messages explained' })));
  let kbLoaded = false;
  const loadKb = async () => {
    if (kbLoaded) return;
    kbLoaded = true;
    kb.append(await knowledgeBase(request, openId));
    if (openId) document.getElementById(`kb-${openId}`)?.scrollIntoView();
  };
  kb.addEventListener('toggle', () => { if (kb.open) loadKb(); });
  root.replaceChildren(form, out, kb);
  if (openId) await loadKb();

  // Dropping a file anywhere on the panel reads it like the picker.
  const readFile = async (f) => {
    box.value = await f.slice(0, MAX_FILE).text();
    note.textContent = f.size > MAX_FILE ? `${f.name}: the first 16 MiB were read.` : '';
  };
  file.addEventListener('change', () => { if (file.files[0]) readFile(file.files[0]); });
  form.addEventListener('dragover', (e) => e.preventDefault());
  form.addEventListener('drop', (e) => { e.preventDefault(); if (e.dataTransfer?.files?.[0]) readFile(e.dataTransfer.files[0]); });

  async function diagnose() {
    const { text, note: cut } = trimmed(box.value);
    const req = { command: 'diagnose', log: text };
    for (const [k, c] of Object.entries(overrides)) {
      if (c.value.trim() === '') continue;
      req[k] = c.type === 'number' ? Number(c.value) : c.value.trim();
    }
    const r = await request(req);
    document.body.dataset.state = r.ok ? 'ok' : 'error';
    if (!r.ok) {
      out.replaceChildren(el('div', { className: 'panel error', role: 'alert', textContent: `${r.error.field ? `${r.error.field}: ` : ''}${r.error.message}` }));
      return;
    }
    note.textContent = [cut, ...r.facts.notes].filter(Boolean).join(' ');
    // What was read, shown so the user can correct it above.
    for (const [k, c] of Object.entries(overrides)) if (c.value === '' && r.request[k] !== undefined) c.placeholder = String(r.request[k]);
    const f = r.facts;
    const facts = [
      ['Runtime', `${f.runtime}${f.build ? ` (build ${f.build})` : ''}${f.program ? `, ${f.program}` : ''}`],
      ['Devices', f.devices.map((d) => `${d.id}${d.name ? ` ${d.name}` : ''}${d.free_mib !== null ? `, ${mib(d.free_mib)} free` : ''}`).join('; ') || 'none printed'],
      ['Model', r.mapping.model ? `${r.mapping.model}${r.mapping.model_how ? ` (${r.mapping.model_how})` : ''}` : (r.mapping.model_how || 'not in the log')],
      ['Quant / context', `${r.mapping.quant || '—'} · ${r.request.context ?? '—'} tokens${f.context.flash_attn ? ` · flash attention ${f.context.flash_attn}` : ''}${f.context.type_k ? ` · KV ${f.context.type_k}` : ''}`],
      ['Hardware', r.mapping.hardware || 'not recognised'],
      ...r.mapping.notes.map((n) => ['Note', n]),
    ];
    const parts = [el('div', { className: 'panel' }, el('h2', { textContent: 'What the log shows' }),
      el('dl', { className: 'facts' }, ...facts.flatMap(([t, d]) => [el('dt', { textContent: t }), el('dd', { textContent: d })])),
      r.findings.length ? el('ul', { id: 'ts-findings' }, ...r.findings.map((x) => el('li', { className: `finding ${x.kind}`, textContent: x.text }))) : el('p', { textContent: 'No overflow or fallback in the lines read.' }))];
    if (r.comparison.length) {
      parts.push(el('div', { className: 'panel' }, el('h2', { textContent: 'Your log vs runcheck' }),
        table([['Buffer', '', 'compute-buffer'], ['Log', 'num'], ['runcheck', 'num'], ['Difference', 'num']], r.comparison.map((c) => [
          `${c.device} ${c.kind}`, { text: mib(c.log_mib), className: 'num' }, { text: mib(c.runcheck_mib), className: 'num' },
          { text: `${c.diff_pct >= 0 ? '+' : ''}${num(c.diff_pct, 1)} %`, className: `num ${c.match ? 'ok' : 'off'}` }])),
        ...r.comparison.filter((c) => c.why).map((c) => el('p', { className: 'note why', textContent: `${c.device} ${c.kind}: ${c.why}` })),
        el('p', { textContent: `runcheck's verdict for this setup: ${r.estimate.verdict.replace(/_/g, ' ')}. ` },
          el('a', { href: runLink(r.request), id: 'ts-open', textContent: 'Open it in Will it run?' }))));
    } else if (r.estimate_error) {
      parts.push(el('div', { className: 'panel' }, el('p', { textContent: `No comparison: ${r.estimate_error.message}` })));
    }
    if (r.fixes.length) {
      parts.push(el('div', { className: 'panel' }, el('h2', { textContent: 'Fixes, each re-run by the engine' }),
        el('ol', { id: 'ts-fixes' }, ...r.fixes.map((x) => el('li', {},
          el('span', { textContent: `${x.text} → ${x.verdict.replace(/_/g, ' ')}. ` }),
          el('a', { href: runLink({ ...r.request, ...x.change }), className: 'fix-link', textContent: 'Open in Will it run?' }),
          fixCommand(x.commands, r.request.runtime) ? el('pre', { className: 'cmd', textContent: fixCommand(x.commands, r.request.runtime) }) : null)))));
    }
    if (r.errors.length) {
      const label = { error: 'Error', warning: 'Warning', info: 'Note' };
      parts.push(el('div', { className: 'panel' }, el('h2', { textContent: 'Messages in the log, explained' }),
        ...r.errors.map((e) => el('div', { className: `kb ${e.severity}` },
          el('p', { className: 'severity', textContent: `${label[e.severity] || 'Error'} · line ${e.line}` }),
          el('pre', { className: 'cmd', textContent: e.text }),
          el('p', { textContent: e.meaning }),
          el('ul', {}, ...e.fixes.map((x) => el('li', { textContent: x.syntax ? `${x.text} (${x.syntax})` : x.text }))),
          el('p', { className: 'note' }, el('a', { href: `?view=troubleshoot&error=${encodeURIComponent(e.id)}`, textContent: 'more on this message' }),
            e.source ? ' · ' : null,
            e.source ? el('a', { href: e.source, rel: 'noopener', target: '_blank', textContent: 'where it is printed' }) : null)))));
    }
    out.replaceChildren(...parts);
  }
  go.addEventListener('click', diagnose);
  root.firstChild.dataset.ready = '1';
}
