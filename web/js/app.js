// "Will it run?" view: reads the form, asks the core, renders its answer. Never computes.
import { importGgufFile, loadEngine, request } from './engine.js';
import { gib, int, num, overBy, paramCount, pct, tps } from './format.js';
import { configName } from './usermodel.js';
import { barChart, lineChart } from './chart.js';
import { deflateText, enterView, sharedOf, unknownNotice, inflateText, readState } from './urlstate.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};

let catalog = null;

function fillSelect(select, items, label, value) {
  select.replaceChildren(...items.map((it) => el('option', { value: it.id, textContent: label(it) })));
  if (value && items.some((it) => it.id === value)) select.value = value;
}

// Extra GPU rows ("Add a different GPU"): each a hardware select and a count.
const spec = (hw, n) => (Number(n) > 1 ? `${hw}x${n}` : hw);
function extraSpecs() {
  return [...document.querySelectorAll('#extra-gpus .pair')].map((p) => spec(p.querySelector('select').value, p.querySelector('input').value));
}
function addGpuRow(value = 'rtx-3060-12gb', count = 1) {
  const sel = el('select', { ariaLabel: 'Additional GPU' });
  sel.append(...catalog.hardware.filter((h) => h.kind === 'gpu').map((h) => el('option', { value: h.id, textContent: h.name })));
  sel.value = value;
  const n = el('input', { type: 'number', min: 1, max: maxDevices, step: 1, value: count, ariaLabel: 'Number of these GPUs' });
  const rm = el('button', { type: 'button', textContent: 'Remove' });
  const line = el('span', { className: 'pair' }, sel, el('span', { textContent: '×' }), n, rm);
  const r = el('div', { className: 'row' }, el('span', { textContent: 'and' }), line);
  rm.addEventListener('click', () => { r.remove(); $('add-gpu').focus(); update(); });
  $('extra-gpus').append(r);
}

// What the page cannot see, asked for under "Advanced": request fields and URL keys of the same name.
const ADVANCED = ['gpu_reserved_mb', 'ram_bandwidth_gb_s', 'threads', 'pcie_gen', 'pcie_lanes', 'llamacpp_build', 'wired_limit_mb', 'parallel', 'speculative', 'draft_model', 'draft_max', 'acceptance', 'task',
  'vision', 'mmproj_type', 'mmproj_offload', 'image_max_tokens'];
const isMac = () => catalog.hardware.find((h) => h.id === $('hardware').value)?.kind === 'apple';

// A Mac stands alone: no "× count", no added GPUs. Picking one removes them, and says so.
function syncMachine() {
  const mac = isMac();
  const removed = mac && ($('count').value !== '1' || $('extra-gpus').children.length > 0);
  if (mac) { $('count').value = '1'; $('extra-gpus').replaceChildren(); }
  $('count-box').hidden = mac;
  $('count').disabled = mac;
  $('add-gpu-row').hidden = mac;
  // The host beside discrete GPUs; a Mac, an APU or a CPU-only machine is its own host.
  const own = catalog.hardware.find((h) => h.id === $('hardware').value)?.kind !== 'gpu';
  $('host-row').hidden = own;
  $('host').disabled = own;
  $('hardware-note').textContent = removed ? 'A Mac stands alone: the GPU count and the added GPUs were removed.' : '';
  $('hardware-note-row').hidden = !removed;
}

function readForm() {
  const hardware = [spec($('hardware').value, $('count').value), ...extraSpecs(),
    ...(!$('host').disabled && $('host').value ? [$('host').value] : [])].join(',');
  return {
    command: 'estimate', model: $('model').value, quant: $('quant').value, context: $('context').value,
    hardware, ram_gb: $('ram').value, os: $('os').value, runtime: $('runtime').value,
    kv_type: $('kv').value,
    ...($('fa').value !== 'auto' ? { flash_attn: $('fa').value } : {}),
    ...($('ngl').value !== '' ? { gpu_layers: $('ngl').value } : {}),
    ...($('ncm').value !== '' ? { n_cpu_moe: $('ncm').value } : {}),
    ...Object.fromEntries(ADVANCED.filter((k) => $(k).value !== '').map((k) => [k, $(k).value])),
  };
}

function writeUrl(req) {
  const p = new URLSearchParams({ view: 'run', model: req.model, quant: req.quant, context: req.context, hardware: $('hardware').value,
    count: $('count').value, ram: req.ram_gb, runtime: req.runtime, kv: req.kv_type, fa: $('fa').value });
  if (req.os) p.set('os', req.os);
  if (req.gpu_layers !== undefined) p.set('ngl', req.gpu_layers);
  if (req.n_cpu_moe !== undefined) p.set('ncm', req.n_cpu_moe);
  if (extraSpecs().length) p.set('more', extraSpecs().join(';'));
  if (!$('host').disabled && $('host').value) p.set('host', $('host').value);
  for (const k of ADVANCED) if (req[k] !== undefined) p.set(k, req[k]);
  if (userConfigs.has(req.model)) { p.set('cfg', userConfigs.get(req.model).data); p.set('cfgname', userConfigs.get(req.model).name); }
  else if (userGgufs.has(req.model)) p.set('gguf', userGgufs.get(req.model));
  else if (pendingGguf && req.model === '') { p.set('model', pendingGguf.model); p.set('gguf', pendingGguf.label); }
  history.replaceState(null, '', `?${p}`);
}

function deviceBlock(d) {
  // A draft / EAGLE-3 head / MTP blocks and the vision tower are their own segments; "runtime" is the rest of overhead.
  const spec = d.speculative_bytes, vision = d.vision_bytes, runtime = d.runtime_bytes;
  const segs = [['weights', d.weights_bytes], ['kv', d.kv_bytes], ['compute', d.compute_bytes], ['draft', spec], ['vision', vision], ['overhead', runtime]];
  const over = d.used_bytes > d.budget_bytes;
  // The bar's scale is the larger of budget and use, so an over-budget bar shows where the budget ends.
  const scale = Math.max(d.budget_bytes, d.used_bytes);
  const bar = el('div', { className: 'bar', role: 'img',
    ariaLabel: `${d.name}: ${gib(d.used_bytes)} of ${gib(d.budget_bytes)}${over ? `, over by ${overBy(d)}` : ''}` },
  ...segs.map(([k, v]) => { const s = el('span', { className: `seg-${k}`, title: `${k}: ${gib(v)}` }); s.style.width = pct(v, scale); return s; }));
  if (over) {
    // Hatched past the budget, and a marker line at the budget itself.
    const past = el('span', { className: 'past-budget', title: `over by ${overBy(d)}` });
    past.style.left = pct(d.budget_bytes, scale);
    const limit = el('span', { className: 'limit', title: `budget: ${gib(d.budget_bytes)}` });
    limit.style.left = pct(d.budget_bytes, scale);
    bar.append(past, limit);
  }
  return el('div', { className: `device${over ? ' over' : ''}` },
    el('div', { className: 'label' }, el('strong', { textContent: d.name }),
      el('span', { className: 'used', textContent: `${gib(d.used_bytes)} of ${gib(d.budget_bytes)} usable${d.layers ? ` · ${d.layers} layers` : ''}${d.holds_output ? ' + output' : ''}` }),
      ...(over ? [el('span', { className: 'over-by', textContent: `over by ${overBy(d)}` })] : [])),
    bar,
    el('div', { className: 'legend', textContent: `weights ${gib(d.weights_bytes)} · KV ${gib(d.kv_bytes)} · compute ${gib(d.compute_bytes)}${spec ? ` · speculative draft ${gib(spec)}` : ''}${vision ? ` · vision tower ${gib(vision)}` : ''} · runtime ${gib(runtime)}` }));
}

const EVIDENCE = {
  measured: 'measured: published runs of this model, quant and hardware exist, and at their own depths they sit within 25 % of this figure (the figure is still the fit\'s)',
  extrapolated: 'extrapolated: fitted on similar hardware (its prefill scaled by this hardware\'s own runs when it has any; decode is not: another machine of the same card differs more than cards do); where runs of this exact setup are listed, they sit more than 25 % from the figure and the range takes them in',
  estimated: 'estimated: formula with a borrowed fit, no runs on this backend',
};

function renderSpeed(s) {
  const ev = $('evidence');
  // No figure, no label: the core gives evidence null when decode is unknown.
  ev.textContent = s.evidence ?? 'no figure';
  ev.className = `evidence ${s.evidence ?? 'none'}`;
  ev.title = EVIDENCE[s.evidence] || 'no speed figure for this setup';
  ev.dataset.evidence = s.evidence ?? 'none';
  const d = $('decode');
  if (s.decode_tps === null) {
    d.textContent = `unknown (${s.why_null || 'not modelled'})`;
    delete d.dataset.tps;
  } else {
    d.textContent = `${tps(s.decode_tps)} tokens/s (range ${tps(s.decode_tps_low)}–${tps(s.decode_tps_high)}; bandwidth ceiling ${tps(s.decode_ceiling_tps)}) at depth ${int(s.depth)}`;
    d.dataset.tps = String(s.decode_tps);
  }
  $('decode-depths').textContent = s.decode_by_context.map((x) => `${int(x.depth)}: ${tps(x.tps)}`).join(' · ') || '—';
  // The same points as a chart: decode tokens/s against how deep into the context, with the band.
  lineChart($('depth-chart'), {
    series: [{ name: 'decode', color: '#3a6fd8', points: s.decode_by_context.map((x) => [x.depth, x.tps, int(x.depth), tps(x.tps)]),
      band: s.decode_by_context.map((x) => [x.depth, x.low, x.high, tps(x.high)]) }],
    xTitle: 'context depth (tokens already in the cache)', yTitle: 'decode tokens/s',
    caption: 'Decode speed by context depth; the shaded band is the low–high range',
  });
  const sp = s.speculative;
  $('speculative-term').hidden = $('speculative-speed').hidden = !sp;
  if (sp) {
    const acc = sp.acceptance === null
      ? `${num(sp.acceptance_band[0], 3)}–${num(sp.acceptance_band[1], 3)} (published range${sp.acceptance_task ? ` for ${sp.acceptance_task}` : ''}; set yours under Advanced)`
      : num(sp.acceptance, 2);
    $('speculative-speed').textContent = `${tps(sp.decode_tps)} tokens/s (range ${tps(sp.decode_tps_low)}–${tps(sp.decode_tps_high)}; ceiling ${tps(sp.ceiling_tps)}, plain ${tps(sp.plain_ceiling_tps)}) with ${sp.method}${sp.draft_model ? ` ${sp.draft_model} (${sp.draft_quant})` : ''}: ${num(sp.tokens_per_step, 2)} tokens a step at acceptance ${acc}, ${num(sp.speedup, 2)}× the plain decode`;
  }
  $('prefill').textContent = s.prefill_tps === null ? `unknown (${s.why_prefill_null || 'not modelled'})`
    : `${tps(s.prefill_tps)} tokens/s (range ${tps(s.prefill_tps_low)}–${tps(s.prefill_tps_high)}) for a ${int(s.prompt_tokens)}-token prompt`
      + ` · ${s.prefill_evidence}` + (s.prefill_offload_seconds !== undefined ? ': weights in system RAM cross PCIe for each micro-batch' : '');
  $('ttft').textContent = s.ttft_seconds === null || s.ttft_seconds === undefined ? 'unknown'
    : `${s.ttft_seconds.toFixed(2)} s` + (s.ttft_seconds_low !== undefined ? ` (range ${s.ttft_seconds_low.toFixed(2)}–${s.ttft_seconds_high.toFixed(2)} s)` : '');
  const agg = s.aggregate_decode_tps !== undefined;
  $('aggregate-term').hidden = !agg;
  $('aggregate').hidden = !agg;
  $('aggregate').textContent = agg ? `${tps(s.aggregate_decode_tps)} tokens/s in all (range ${tps(s.aggregate_decode_tps_low)}–${tps(s.aggregate_decode_tps_high)}; ${s.aggregate_speedup.toFixed(2)}× one sequence) · ${s.aggregate_evidence}`
    + (s.aggregate_ttft_last_seconds !== undefined ? `; all arriving at once, first token after ${s.aggregate_ttft_mean_seconds.toFixed(2)} s on average, ${s.aggregate_ttft_last_seconds.toFixed(2)} s for the last (range ${s.aggregate_ttft_last_seconds_low.toFixed(2)}–${s.aggregate_ttft_last_seconds_high.toFixed(2)} s)` : '') : '';
  $('build-era').textContent = s.build_era ?? 'not a llama.cpp runtime: its own calibration runs, where there are any';
  const m = $('measured');
  m.replaceChildren(...(s.measured.length ? s.measured.map((x) => el('a', { href: x.source, rel: 'noopener', target: '_blank',
    textContent: `${x.test}${x.settings ? ` (${x.settings})` : ''}: ${tps(x.value_tps)} t/s` })) : [document.createTextNode('none for this exact setup')]));
  if (s.measured_note) m.append(el('p', { className: 'muted', textContent: s.measured_note }));
}

// Everything a result shows, emptied: after an error nothing of the previous answer may remain.
const RESULT_PARTS = ['reasons', 'devices', 'weights', 'kvcache', 'layers', 'maxctx', 'bestq', 'smallest', 'evidence', 'decode',
  'decode-depths', 'prefill', 'ttft', 'aggregate', 'build-era', 'measured', 'depth-chart', 'suggestions', 'assumptions', 'commands', 'commands-notes', 'embed'];
function clearResult() {
  for (const id of RESULT_PARTS) {
    const e = $(id);
    e.replaceChildren();
    for (const k of Object.keys(e.dataset)) delete e.dataset[k];
  }
  $('evidence').className = 'evidence';
  $('suggest-box').hidden = true;
  $('result-body').hidden = true;
  delete $('verdict').dataset.verdict;
}

function showError(error) {
  clearResult();
  const err = $('error');
  err.hidden = false;
  err.textContent = `${error.field ? `${error.field}: ` : ''}${error.message}`;
  $('verdict').textContent = 'error'; $('verdict').className = 'verdict will_not_run';
  $('bar-verdict').textContent = 'error'; $('bar-verdict').className = 'verdict will_not_run'; $('bar-detail').textContent = error.field || '';
  document.body.dataset.state = 'error';
}

function renderQuantChart(res) {
  // The largest context each quant allows on this machine (the core's two searches per quant):
  // the dark part stays on the GPU with the margin kept, the whole bar loads at all.
  const qc = res.quant_contexts || [];
  $('quant-chart').hidden = !qc.length;
  if (qc.length) {
    barChart($('quant-chart'), {
      rows: qc.map((q) => ({ label: q.quant, value: q.fits, inner: q.comfortable, highlight: q.quant === res.request.quant,
        valueLabel: q.fits === null ? 'does not fit' : `${q.comfortable === null ? '—' : int(q.comfortable)} / ${int(q.fits)}` })),
      caption: `Largest context per quantization on this machine, in tokens (comfortable / at all): dark, comfortable with everything on the GPU; light, loads with some of it in system RAM; — none comfortable. Capped at the model's ${int(res.model.context_length)} trained tokens.`,
    });
  }
}

function render(res) {
  const err = $('error');
  if (!res.ok) { showError(res.error); return; }
  err.hidden = true;
  $('result-body').hidden = false;
  $('verdict').textContent = res.verdict.replaceAll('_', ' ');
  $('verdict').className = `verdict ${res.verdict}`;
  $('verdict').dataset.verdict = res.verdict;
  // The compact bar a phone keeps on screen while the form is edited (style.css shows it there).
  $('bar-verdict').textContent = res.verdict.replaceAll('_', ' ');
  $('bar-verdict').className = `verdict ${res.verdict}`;
  const g = res.memory.devices.find((d) => !d.is_host);
  $('bar-detail').textContent = [res.speed?.decode_tps != null ? `${tps(res.speed.decode_tps)} tok/s` : '',
    g ? `${gib(g.used_bytes)} of ${gib(g.budget_bytes)}` : ''].filter(Boolean).join(' · ');
  $('reasons').replaceChildren(...res.reasons.map((r) => el('li', { textContent: r })));
  $('devices').replaceChildren(...res.memory.devices.map(deviceBlock));
  $('weights').textContent = `${gib(res.memory.weights_bytes)} (${int(res.memory.weights_bytes)} bytes)`;
  $('weights').dataset.bytes = String(res.memory.weights_bytes);
  $('kvcache').textContent = gib(res.memory.kv_cache_bytes);
  $('kvcache').dataset.bytes = String(res.memory.kv_cache_bytes);
  $('layers').textContent = `${res.placement.gpu_layers} of ${res.placement.total_layers}${res.placement.n_cpu_moe ? ` (experts of ${res.placement.n_cpu_moe} layers on CPU)` : ''}`;
  const mc = res.max_context;
  $('maxctx').textContent = `${mc.comfortable ? int(mc.comfortable) : 'none'} comfortable · ${mc.fits ? int(mc.fits) : 'none'} at all`;
  $('bestq').textContent = `${res.best_quant.comfortable ?? 'none'} comfortable · ${res.best_quant.fits ?? 'none'} at all`;
  // The vision tower: counted, or what it would add (the core's figures).
  const v = res.vision;
  $('vision-term').hidden = $('vision-info').hidden = !v;
  if (v) {
    const sizes = `mmproj ${v.mmproj_type} ${gib(v.mmproj_bytes)} + image encoder ${gib(v.encoder_compute_bytes)} (${v.projector}, a ${int(v.warmup_patches)}-patch warmup image)`;
    $('vision-info').textContent = v.on ? `${sizes}, counted on ${v.device}` : `not loaded (text only); with images it adds ${sizes}`;
  }
  $('smallest').textContent = res.smallest_hardware ? `${res.smallest_hardware.name} (${res.smallest_hardware.memory_gib} GB) — ${res.smallest_hardware.note}` : 'none in the catalog';
  renderSpeed(res.speed);
  renderQuantChart(res);
  const sug = res.suggestions || [];
  $('suggest-box').hidden = sug.length === 0;
  $('suggestions').replaceChildren(...sug.map((x) => {
    const b = el('button', { type: 'button', className: 'suggest', textContent: `${x.text} → ${x.verdict.replaceAll('_', ' ')}` });
    // The button is replaced by the new result: focus goes to the new verdict, not to <body>.
    b.addEventListener('click', async () => { await applyChange(x.change); $('result-heading').focus(); });
    return b;
  }));
  $('assumptions').replaceChildren(...res.assumptions.map((a) => el('li', { textContent: `Assumption: ${a}` })));
  $('commands').replaceChildren(...Object.entries(res.commands).map(([k, v]) => {
    return el('div', { className: 'cmdrow' }, el('pre', { className: 'cmd', textContent: v, title: k }), copyButton(v));
  }));
  $('commands-notes').replaceChildren(...(res.commands_notes || []).map((n) => el('li', { textContent: n })),
    ...(res.downloads || []).map((d) => el('li', {}, `${d.runtime}: ${d.name} (${d.quant}${d.variant && d.variant.startsWith('instruct') ? ', instruct build' : ''}) — `,
      el('a', { href: d.source, rel: 'noopener', target: '_blank', textContent: 'where it is cited' }))));
  renderEmbed(res);
  document.body.dataset.state = 'ok';
}

// A "Copy" button that says what happened: "Copied" on the button, and in a live region for
// screen readers; a refused clipboard says so instead of doing nothing.
function copyButton(text) {
  const btn = el('button', { type: 'button', textContent: 'Copy' });
  btn.addEventListener('click', async () => {
    let said;
    try { await navigator.clipboard.writeText(text); btn.textContent = 'Copied'; said = 'Copied to the clipboard'; }
    catch { btn.textContent = 'Copy failed'; said = 'The browser refused the clipboard: select the text and copy it'; }
    $('copy-status').textContent = said;
    setTimeout(() => { btn.textContent = 'Copy'; }, 2000);
  });
  return btn;
}

// "Embed this": the widget snippet and an iframe snippet for the current result.
function renderEmbed(res) {
  const site = new URL('./', location.href).href;
  const esc = (v) => String(v).replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  const hw = res.request.hardware;
  const rq = res.request;
  const attrs = `model="${esc(rq.model)}" quant="${esc(rq.quant)}" hardware="${esc(hw.length > 1 && hw.every((h) => h === hw[0]) ? `${hw[0]}x${hw.length}` : hw.join(','))}" context="${esc(rq.context)}"`
    + ` ram-gb="${esc(rq.ram_gb)}"${$('os').value ? ` os="${esc(rq.os)}"` : ''}${rq.runtime !== 'llama.cpp' ? ` runtime="${esc(rq.runtime)}"` : ''}`;
  const widget = `<script type="module" src="${site}widget.js"></script>\n<run-check ${attrs}>${esc(res.model.name)} — will it run?</run-check>`;
  const iframe = `<iframe src="${esc(location.href)}" width="720" height="900" style="border:0" title="runcheck"></iframe>`;
  $('embed').replaceChildren(...[['widget', widget], ['iframe', iframe]].map(([k, v]) => {
    return el('div', { className: 'cmdrow' }, el('pre', { className: 'cmd embed', textContent: v, title: k }), copyButton(v));
  }));
}

// A suggestion's change, applied to the form (the core already said what it gives).
function applyChange(change) {
  if ('quant' in change) $('quant').value = change.quant;
  if ('kv_type' in change) $('kv').value = change.kv_type;
  if ('flash_attn' in change) $('fa').value = change.flash_attn ? 'on' : 'off';
  if ('context' in change) $('context').value = change.context;
  if ('gpu_layers' in change) $('ngl').value = change.gpu_layers ?? '';
  if ('n_cpu_moe' in change) $('ncm').value = change.n_cpu_moe ?? '';
  return update();
}

// A GPU count is a whole number from 1 to the core's device limit (options.limits.devices):
// anything else is the user's to fix, never rewritten to a count they did not type.
let maxDevices = 16;  // replaced by the core's limit as soon as the options arrive
const countRange = () => `must be a whole number from 1 to ${maxDevices}`;
const countOk = (v) => /^\d+$/.test(String(v).trim()) && Number(v) >= 1 && Number(v) <= maxDevices;
function countError() {
  if (!countOk($('count').value)) return { field: 'count', message: `GPU count ${countRange()}; got '${$('count').value}'` };
  const bad = [...document.querySelectorAll('#extra-gpus input')].find((n) => !countOk(n.value));
  return bad ? { field: 'count', message: `the count of an added GPU ${countRange()}; got '${bad.value}'` } : null;
}

async function update() {
  syncRange();
  const req = readForm();
  writeUrl(req);
  if (pendingGguf && $('model').value === '') { showPendingFile(); return; }
  const bad = countError();
  if (bad) { showError(bad); return; }
  render(await request({ ...req, quant_contexts: true }));  // + every quant's largest context (chart)
  renderLoss(req);
}

// What the chosen quant costs in quality, as published for this model (else for the type on the
// general table, else for another model), with its source; the core words the figure.
async function renderLoss(req) {
  const box = $('qloss');
  if (!req.model || req.model.startsWith('user:')) { box.textContent = 'published figures exist only for catalog models'; return; }
  const res = await request({ command: 'quant_loss', model: req.model, quant: req.quant });
  if (!res.ok) { box.textContent = 'unknown'; return; }
  const first = res.this_model[0] || res.general || res.other_models[0];
  box.replaceChildren(el('span', { textContent: res.summary }),
    ...(first?.source ? [' — ', el('a', { href: first.source, rel: 'noopener', target: '_blank', textContent: 'source' })] : []));
}

// A runtime that cannot load the chosen quantization: switch to one it loads (the catalog's
// quants listing says which runtimes load each format) and say so beside the quant.
const PREFERRED_QUANT = { 'llama.cpp': 'Q4_K_M', ollama: 'Q4_K_M', lmstudio: 'Q4_K_M', vllm: 'AWQ-4bit', mlx: 'MLX-4bit', exllamav2: 'EXL2-4.0bpw' };
function fitQuantToRuntime() {
  const rt = $('runtime').value;
  const loads = (id) => catalog.quants.find((q) => q.id === id)?.runtimes.includes(rt);
  const old = $('quant').value;
  if (loads(old)) { $('quant-note').textContent = ''; return; }
  const next = loads(PREFERRED_QUANT[rt]) ? PREFERRED_QUANT[rt] : catalog.quants.find((q) => q.runtimes.includes(rt))?.id;
  if (!next) return;
  $('quant').value = next;
  $('quant-note').textContent = `${old} cannot be loaded by ${$('runtime').selectedOptions[0].textContent}: switched to ${next}`;
}

// --- bring your own model: a config.json (kept in the URL, deflated) or a GGUF header ----------
const userConfigs = new Map();  // model id -> {name, data: deflated config.json}, for the URL
const userGgufs = new Map();    // model id -> label: only a GGUF's name and key numbers can go in a link
let pendingGguf = null;         // a link's GGUF the user has not chosen again yet: {model, label}

function addUserModel(res, status) {
  if (!res.ok) { $('model-file-status').textContent = `${res.error.field ? `${res.error.field}: ` : ''}${res.error.message}`; return false; }
  // The other tools pick models from the same list: the imported one joins it.
  if (!catalog.models.some((m) => m.id === res.model))
    catalog.models.unshift({ id: res.model, name: res.name, family: 'user', parameters: res.summary.parameters,
      context_length: res.summary.context_length, block_count: res.summary.block_count, sources: [] });
  if (![...$('model').options].some((o) => o.value === res.model))
    $('model').prepend(el('option', { value: res.model, textContent: `${res.name} (${paramCount(res.summary.parameters)} params)` }));
  // ... and can draft for another model (Advanced → Draft model): after the heads, before the catalog.
  if (![...$('draft_model').options].some((o) => o.value === res.model))
    $('draft_model').insertBefore(el('option', { value: res.model, textContent: `${res.name} (your file)` }),
      [...$('draft_model').options].find((o) => o.value && !o.value.startsWith('user:') && !catalog.heads.some((h) => h.id === o.value)) || null);
  endPendingFile();
  $('model').value = res.model;
  clampContext();
  $('model-file-status').textContent = status;
  $('model-file-status').dataset.model = res.model;
  return true;
}

async function importFile(file) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  if (String.fromCharCode(...head) === 'GGUF') {
    const res = await importGgufFile(file);
    if (res.ok) userGgufs.set(res.model, `${file.name} (${res.summary.architecture}, ${res.summary.block_count} layers, ${res.summary.file_type || 'unknown type'})`);
    addUserModel(res, res.ok ? `read ${int(res.bytes_read)} of ${int(file.size)} bytes (the header only); ${res.summary.architecture}, ${res.summary.block_count} layers, ${res.note}` : '');
  } else {
    let cfg;
    try { cfg = JSON.parse(await file.text()); } catch { $('model-file-status').textContent = 'file: neither a GGUF file nor JSON'; return; }
    const name = configName(file.name, cfg);  // every file is config.json: the name tells them apart
    const res = await request({ command: 'import', config: cfg, name });
    if (addUserModel(res, `config.json imported as ${res.name}: ${res.summary?.architecture}, ${res.summary?.block_count} layers`))
      userConfigs.set(res.model, { name, data: await deflateText(JSON.stringify(cfg)) });
  }
  update();
}

// A shared link made with a local GGUF: the file never left its owner's machine, so the page asks
// for it instead of showing some other model's answer.
function startPendingFile(model, label) {
  pendingGguf = { model, label };
  $('model').prepend(el('option', { value: '', textContent: `your file ${label.split(' (')[0]} — choose it again` }));
  $('model').value = '';
}
function endPendingFile() {
  if (!pendingGguf) return;
  pendingGguf = null;
  [...$('model').options].filter((o) => o.value === '').forEach((o) => o.remove());
}
function showPendingFile() {
  clearResult();
  const err = $('error');
  err.hidden = false;
  err.textContent = `This link refers to your file ${pendingGguf.label}: choose it again with "Or your own model" (files never leave your machine).`;
  $('verdict').textContent = 'needs your file'; $('verdict').className = 'verdict';
  $('model-file-status').textContent = `Choose ${pendingGguf.label.split(' (')[0]} again to see its answer.`;
  document.body.dataset.state = 'needs-file';
}

// A newly picked model with a smaller maximum context: the context comes down to that maximum
// (from the catalog listing), and the page says so beside the input.
function clampContext() {
  const m = catalog.models.find((x) => x.id === $('model').value);
  const note = $('context-note');
  if (m && m.context_length && Number($('context').value) > m.context_length) {
    $('context').value = m.context_length;
    note.textContent = `clamped to ${int(m.context_length)}, ${m.name}'s maximum`;
  } else note.textContent = '';
}

// A model whose people download another format than the default (gpt-oss: its native MXFP4) gets
// that format when the user picks it, if the runtime loads it; the note says why.
function pickModelQuant() {
  const m = catalog.models.find((x) => x.id === $('model').value);
  const q = m && m.default_quant;
  if (!q || q === $('quant').value || q === DEFAULTS.quant) return;
  if (!catalog.quants.find((x) => x.id === q)?.runtimes.includes($('runtime').value)) return;
  $('quant').value = q;
  $('quant-note').textContent = `${q}: the format ${m.name} is published in`;
}

// The context slider follows the number box and stops at the model's maximum (from the catalog).
function syncRange() {
  const m = catalog.models.find((x) => x.id === $('model').value);
  if (m) $('context-range').max = m.context_length;
  $('context-range').value = $('context').value;
}

// "Newest first": the model and hardware pickers ordered by release date (undated last, each
// option then showing its date), else in the catalog's order. Options are moved, not rebuilt, so
// a model the user loaded from a file keeps its place at the top.
function orderPickers() {
  const newest = $('newest-first').checked;
  for (const [id, list] of [['model', catalog.models], ['hardware', catalog.hardware]]) {
    const rank = new Map(list.map((x, i) => [x.id, i]));
    const date = new Map(list.map((x) => [x.id, x.release_date || '']));
    const sel = $(id);
    const keep = sel.value;
    const opts = [...sel.options];
    for (const o of opts) {
      if (!rank.has(o.value)) continue;
      o.dataset.base ??= o.textContent;
      o.textContent = newest && date.get(o.value) ? `${o.dataset.base} · ${date.get(o.value)}` : o.dataset.base;
    }
    opts.sort((a, b) => {
      const ua = !rank.has(a.value), ub = !rank.has(b.value);
      if (ua || ub) return ua === ub ? 0 : ua ? -1 : 1;
      const c = newest ? date.get(b.value).localeCompare(date.get(a.value)) : 0;
      return c || rank.get(a.value) - rank.get(b.value);
    });
    sel.append(...opts);
    sel.value = keep;
  }
}

function filterModels() {
  const q = $('model-filter').value.toLowerCase();
  // The name, the id and every name the core knows the weights by: the Hugging Face repo, GGUF
  // repos and file stems, Ollama tags, MLX repos ("Meta-Llama-3.1-8B", "qwen/", "llama3.1:8b").
  const known = Object.fromEntries((catalog?.models || []).map((m) => [m.id, [m.hf_repo, ...(m.aliases || [])].join(' ').toLowerCase()]));
  for (const o of $('model').options) o.hidden = q !== '' && !o.textContent.toLowerCase().includes(q) && !o.value.includes(q) && !(known[o.value] || '').includes(q);
  const first = [...$('model').options].find((o) => !o.hidden);
  if (first && $('model').selectedOptions[0]?.hidden) { $('model').value = first.value; clampContext(); update(); }
}

// The hardware picker filtered by every word typed ("m4 max", "7900 xtx", "3090", "gfx1100",
// "a100-sxm4"): each word must be in the card's name, id or one of the names tools print for it.
function filterHardware() {
  const words = $('hardware-filter').value.toLowerCase().split(/\s+/).filter(Boolean);
  const printed = Object.fromEntries((catalog?.hardware || []).map((h) => [h.id, (h.aliases || []).join(' ')]));
  for (const o of $('hardware').options) {
    const text = `${o.textContent} ${o.value} ${printed[o.value] || ''}`.toLowerCase();
    o.hidden = words.length > 0 && !words.every((w) => text.includes(w));
  }
  const first = [...$('hardware').options].find((o) => !o.hidden);
  if (first && $('hardware').selectedOptions[0]?.hidden) { $('hardware').value = first.value; update(); }
}

// "Detect": what this browser exposes (WebGPU adapter info, platform, the rounded deviceMemory),
// matched to the catalog by the core; nothing leaves the page. The core says when it cannot tell.
async function browserFacts() {
  const facts = {};
  try {
    const adapter = await navigator.gpu?.requestAdapter();
    const info = adapter?.info ?? (await adapter?.requestAdapterInfo?.());
    if (info?.description) facts.gpu = String(info.description).slice(0, 200);
    if (info?.vendor) facts.vendor = String(info.vendor).slice(0, 60);
    if (info?.architecture) facts.architecture = String(info.architecture).slice(0, 60);
  } catch { /* no WebGPU, or it refused: the core says it cannot tell */ }
  const platform = navigator.userAgentData?.platform || navigator.platform || '';
  if (platform) facts.platform = String(platform).slice(0, 60);
  if (typeof navigator.deviceMemory === 'number') facts.device_memory_gb = navigator.deviceMemory;
  return facts;
}
async function detectHardware() {
  const res = await request({ command: 'detect', ...(await browserFacts()) });
  const status = $('detect-status');
  status.hidden = false;
  if (!res.ok) { status.textContent = `Detect: ${res.error.message}`; return; }
  status.textContent = `Detect: ${res.said.join('; ')}.`;
  const ids = res.hardware ? [res.hardware] : res.candidates.map((c) => c.id);
  if (!ids.length) return;
  // One match: select it. Several: show just those in the picker for the user to choose.
  $('hardware-filter').value = '';
  for (const o of $('hardware').options) o.hidden = !ids.includes(o.value);
  if ($('hardware').value !== ids[0]) { $('hardware').value = ids[0]; syncMachine(); update(); }
}

// Runtime, KV type and OS pickers come from the engine's own lists (the options command), so the
// page never offers a value the core would refuse; the engine's defaults become the page's.
function fillOptions(o) {
  if (!o.ok) return;
  const opt = (value, text) => el('option', { value, textContent: text });
  $('runtime').replaceChildren(...o.runtimes.map((r) => opt(r.id, r.name)));
  $('kv').replaceChildren(...o.kv_types.map((k) => opt(k, k)));
  const osName = { linux: 'Linux', windows: 'Windows', macos: 'macOS' };
  $('os').replaceChildren(opt('', 'from the hardware'), ...o.os.map((v) => opt(v, osName[v] ?? v)));
  maxDevices = o.limits.devices;
  $('count').max = maxDevices;
  Object.assign(DEFAULTS, { quant: o.defaults.quant, runtime: o.defaults.runtime, kv: o.defaults.kv_type, ram: String(o.defaults.ram_gb) });
}

// The page's documented defaults: what a bare link, or a value the page cannot use, falls back to.
const DEFAULTS = { model: 'llama-3.1-8b', quant: 'Q4_K_M', hardware: 'rtx-4090', host: '', context: '8192', count: '1', ram: '32', os: '',
  runtime: 'llama.cpp', kv: 'f16', fa: 'auto', ngl: '', ncm: '', gpu_reserved_mb: '', ram_bandwidth_gb_s: '', threads: '', pcie_gen: '', pcie_lanes: '', llamacpp_build: '', wired_limit_mb: '', parallel: '', speculative: '', draft_model: '', draft_max: '', acceptance: '', task: '',
  vision: '', mmproj_type: '', mmproj_offload: '', image_max_tokens: '' };
const WHAT = { model: 'not a model in the catalog', quant: 'not a known quantization', hardware: 'not hardware in the catalog',
  host: 'not a CPU in the catalog with a clock',
  os: 'not an OS the page knows', runtime: 'not a runtime the page knows', kv: 'not a KV cache type', fa: 'not auto, on or off',
  task: 'not chat, code, math or summarization', vision: 'not true', mmproj_type: 'not F16, BF16 or F32', mmproj_offload: 'not false' };

// Fills every input from the link; an input the link leaves out gets its default (so nothing of a
// previous state survives), and a value no option matches falls back to the default, with a notice.
function loadRun(url) {
  pendingGguf = null;
  fillSelect($('model'), catalog.models, (m) => `${m.name} (${paramCount(m.parameters)} params)`, DEFAULTS.model);
  fillSelect($('quant'), catalog.quants, (q) => q.id, DEFAULTS.quant);
  fillSelect($('hardware'), catalog.hardware, (h) => `${h.name}${h.memory_gib ? ` — ${h.memory_gib} GB` : ''}`, DEFAULTS.hardware);
  fillSelect($('host'), [{ id: '', name: 'not named (the fit\'s reference host)' },
    ...catalog.hardware.filter((h) => h.kind === 'cpu' && h.cpu_boost_clock_mhz)], (h) => (h.id ? `${h.name.replace(' (CPU only)', '')} — ${(h.cpu_boost_clock_mhz / 1000).toFixed(2)} GHz` : h.name), DEFAULTS.host);
  orderPickers();
  const pending = url.get('cfg') || url.get('gguf');  // a user model arrives after this (or waits for its file)
  for (const key of Object.keys(DEFAULTS)) {
    const v = url.get(key);
    const input = $(key);
    if (input.tagName === 'SELECT') {
      if (v !== null && [...input.options].some((o) => o.value === v)) input.value = v;
      else {
        input.value = DEFAULTS[key];
        if (key === 'draft_model' && v?.startsWith('user:'))
          notices.push(`draft_model: the link's draft ${v.slice(5)} is a file on its owner's machine; choose it with "Or your own model", then pick it as the draft`);
        else if (v !== null && !(key === 'model' && pending && v.startsWith('user:')))
          notices.push(`ignored ${key}=${v} (${WHAT[key]}); using ${DEFAULTS[key] || 'the default'}`);
      }
    } else input.value = v ?? DEFAULTS[key];
  }
  $('context-note').textContent = '';
  $('quant-note').textContent = '';
  $('extra-gpus').replaceChildren();
  for (const s of (url.get('more') || '').split(';').filter(Boolean)) {
    const m = /^(.*?)(?:x(\d+(?:\.\d*)?|-?\d+))?$/.exec(s);
    addGpuRow(m[1], m[2] || 1);
  }
  $('advanced').open = ADVANCED.some((k) => $(k).value !== '');
  syncMachine();
  syncRange();
}

// --- views and routing: ?view=run|machine|compare|choose|cost|catalog|method|troubleshoot|learn ---------------
const VIEWS = {
  machine: () => import('./views/machine.js'), compare: () => import('./views/compare.js'),
  choose: () => import('./views/choose.js'), cost: () => import('./views/cost.js'),
  catalog: () => import('./views/catalog.js'), method: () => import('./views/method.js'),
  troubleshoot: () => import('./views/troubleshoot.js'), learn: () => import('./views/learn.js'),
};

function setUrl(obj) {
  history.replaceState(null, '', `?${new URLSearchParams(Object.entries(obj).filter(([, v]) => v !== '' && v !== undefined))}`);
}

// Notices about the link itself (values or fields the page ignored), shown above the views.
let notices = [];
// Settled when the first view has its answer on screen (work that can wait waits for it).
let answered;
const firstAnswer = new Promise((resolve) => { answered = resolve; });
function showNotices() {
  $('notice').replaceChildren(...notices.map((n) => el('div', { textContent: n })));
  $('notice').hidden = notices.length === 0;
}

async function route() {
  const { view, params: url, unknown } = readState(location.search);
  notices = unknown.map(unknownNotice);
  for (const sec of document.querySelectorAll('main > section')) sec.hidden = sec.dataset.view !== view;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.body.dataset.view = view;
  if (view === 'run') {
    loadRun(url);
    if (url.get('cfg')) {  // a shared link with the user's config.json in it
      try {
        const cfg = JSON.parse(await inflateText(url.get('cfg')));
        const name = url.get('cfgname') || 'custom';
        const res = await request({ command: 'import', config: cfg, name });
        if (addUserModel(res, `config.json from the link: ${res.summary?.architecture}, ${res.summary?.block_count} layers`))
          userConfigs.set(res.model, { name, data: url.get('cfg') });
      } catch { $('model-file-status').textContent = 'cfg: the config in the link could not be read'; }
    }
    const linked = url.get('model') || '';
    if (url.get('gguf') && !url.get('cfg')) {
      // Already chosen in this tab (back/forward): use it; otherwise ask for the file.
      if (userGgufs.has(linked) && catalog.models.some((m) => m.id === linked)) $('model').value = linked;
      else startPendingFile(linked.startsWith('user:') ? linked : 'user:', url.get('gguf'));
    }
    await update();
  } else {
    const mod = await VIEWS[view]();
    await mod.mount($(`view-${view}`), { catalog, request, params: url, setUrl });
  }
  showNotices();
  if (!performance.getEntriesByName('rc-ready').length) performance.mark('rc-ready');
  document.body.dataset.ready = '1';
  setTimeout(answered, 0);  // after the browser has painted it
}

const remembered = {};  // view -> its URL state when the user last left it
let shared = {};        // the model and machine chosen so far (urlstate.js sharedOf)

async function main() {
  // Marks for make bench's cold-start breakdown (performance.getEntriesByType('mark')).
  performance.mark('rc-app');
  await loadEngine();
  performance.mark('rc-engine');
  catalog = await request({ command: 'catalog', brief: true });  // pickers only; the Catalog view asks for sources
  // EAGLE-3 heads are drafts only: out of every model picker, into the draft picker.
  catalog.heads = catalog.models.filter((m) => m.kind === 'draft-head');
  catalog.models = catalog.models.filter((m) => m.kind !== 'draft-head');
  fillOptions(await request({ command: 'options' }));
  // Draft models: the catalog's (llama.cpp checks the vocabulary; the core says when it differs).
  $('draft_model').append(...catalog.heads.map((m) => el('option', { value: m.id, textContent: m.name })),
    ...catalog.models.map((m) => el('option', { value: m.id, textContent: m.name })));
  // Terms on the page explained by the glossary (the same data as Learn), each linking to its
  // entry, in every view as it renders: asked for once the first answer is on screen (the
  // learn command renders every entry's numbers).
  firstAnswer.then(() => request({ command: 'learn' })).then((res) => {
    if (!res.ok) return;
    const short = Object.fromEntries(res.terms.map((t) => [t.id, t]));
    const link = (root) => {
      for (const a of root.querySelectorAll('abbr[data-term]')) {
        const t = short[a.dataset.term];
        if (!t || a.nextSibling?.classList?.contains('term-link')) continue;
        a.title = t.short;
        a.after(el('a', { href: `?view=learn&term=${encodeURIComponent(t.id)}`, className: 'term-link', textContent: '?', ariaLabel: `What is ${t.term}?`, title: `Learn: ${t.term}` }));
      }
    };
    link(document);
    new MutationObserver((changes) => {
      for (const c of changes) for (const n of c.addedNodes) if (n.nodeType === 1) link(n.matches?.('abbr') ? n.parentNode : n);
    }).observe(document.querySelector('main'), { childList: true, subtree: true });
  });
  performance.mark('rc-catalog');
  $('will-it-run').addEventListener('input', (e) => {
    if (e.target.id === 'model-file') return undefined;
    if (e.target.id === 'model-filter') return filterModels();
    if (e.target.id === 'newest-first') return orderPickers();
    if (e.target.id === 'hardware-filter') return filterHardware();
    if (e.target.id === 'context-range') $('context').value = $('context-range').value;
    if (e.target.id === 'context' || e.target.id === 'context-range') $('context-note').textContent = '';
    if (e.target.id === 'model' && $('model').value !== '') { endPendingFile(); clampContext(); pickModelQuant(); }
    if (e.target.id === 'runtime') fitQuantToRuntime();
    if (e.target.id === 'hardware') syncMachine();
    if (e.target.id === 'quant') $('quant-note').textContent = '';
    return update();
  });
  $('will-it-run').addEventListener('submit', (e) => e.preventDefault());
  $('add-gpu').addEventListener('click', () => { addGpuRow(); update(); });
  $('detect-hardware').addEventListener('click', () => detectHardware());
  $('model-file').addEventListener('change', (e) => { if (e.target.files[0]) importFile(e.target.files[0]); });
  // Dropping a .gguf or config.json anywhere on the form does the same (read locally).
  $('will-it-run').addEventListener('dragover', (e) => e.preventDefault());
  $('will-it-run').addEventListener('drop', (e) => {
    e.preventDefault();
    if (e.dataTransfer?.files?.[0]) importFile(e.dataTransfer.files[0]);
  });
  for (const a of document.querySelectorAll('#nav a')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      // The next view opens with the model and machine chosen here, and, when the user was there
      // before, everything else as they left it.
      const here = readState(location.search);
      remembered[here.view] = here.params.toString();
      shared = { ...shared, ...sharedOf(here.view, here.params) };
      history.pushState(null, '', `?${enterView(a.dataset.view, remembered[a.dataset.view], shared)}`);
      route();
    });
  }
  window.addEventListener('popstate', route);
  await route();
}

// Offline: register the service worker; say "ready to work offline" once, and offer a reload when
// a new version is waiting (it only takes over when the user agrees: no mixed old/new assets).
function banner(text, reload) {
  $('sw-text').textContent = text;
  $('sw-reload').hidden = !reload;
  $('sw-banner').hidden = false;
  $('sw-dismiss').onclick = () => { $('sw-banner').hidden = true; };
  document.body.dataset.sw = reload ? 'update' : 'offline-ready';
}
async function offline() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  const reg = await navigator.serviceWorker.register('./sw.js');
  const waiting = (w) => {
    banner('Update available — reload to use it.', true);
    $('sw-reload').onclick = () => w.postMessage('runcheck:skip-waiting');
  };
  if (reg.waiting && hadController) waiting(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const w = reg.installing;
    w?.addEventListener('statechange', () => {
      if (w.state !== 'installed') return;
      if (hadController) waiting(w);
      else if (!localStorage.getItem('runcheck-offline-ready')) {
        localStorage.setItem('runcheck-offline-ready', '1');
        banner('Ready to work offline.', false);
      }
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => { if (hadController) location.reload(); });
}

main().then(offline);
