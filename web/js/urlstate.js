// The URL-state decoder: every view's inputs come from here, never from location.search itself.
// It keeps only known keys (and reports each unknown one with the closest known key), strips
// control characters, caps lengths, and inflates a shared
// config.json with a hard output cap (a deflate bomb in a link cannot take the tab down).
// Values stay strings: the core validates them and names the field when one is wrong.
// Pure (no DOM): tests/fuzz/url-state.fuzz.mjs runs it on millions of mutated links.

export const VIEWS = ['run', 'machine', 'compare', 'choose', 'cost', 'catalog', 'method', 'troubleshoot', 'learn'];

// Every key any view reads.
export const KEYS = new Set([
  'view', 'model', 'quant', 'context', 'hardware', 'host', 'count', 'ram', 'ram_gb', 'os', 'runtime', 'kv', 'fa', 'ngl', 'ncm', 'more',
  'cfg', 'cfgname', 'gguf', 'setups', 'price', 'budget_usd', 'min_decode_tps', 'max_cards', 'max_watts', 'mac_ok',
  'workloads', 'family', 'max_b', 'sort', 'list', 'q', 'usd_per_kwh', 'output_tokens_per_day', 'input_output_ratio',
  'life_years', 'resale_fraction', 'price_usd', 'gpu_reserved_mb', 'ram_bandwidth_gb_s', 'threads', 'pcie_gen', 'pcie_lanes', 'llamacpp_build', 'wired_limit_mb', 'parallel', 'limit',
  'error', 'term', 'use_case', 'min_tps', 'max_kld', 'speculative', 'draft_model', 'draft_max', 'acceptance', 'task',
  'vision', 'mmproj_type', 'mmproj_offload', 'image_max_tokens',
]);

export const MAX_VALUE = 256;          // characters of an ordinary value
export const MAX_CFG = 64 * 1024;      // characters of the deflated, base64url config.json
export const MAX_INFLATED = 256 * 1024; // bytes of the inflated config.json (real ones are < 10 KB)

const clean = (s, max) => s.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, max);

export const MAX_UNKNOWN = 10;  // unknown keys reported per link (the rest are dropped unreported)
export const MAX_KEY_SHOWN = 64;  // characters of an unknown key in a notice
const MAX_SUGGEST_DISTANCE = 2;  // edits: "contxt" -> "context" is 1

// Levenshtein distance, or Infinity as soon as it must exceed `limit` (keeps long keys cheap).
export function editDistance(a, b, limit = MAX_SUGGEST_DISTANCE) {
  if (Math.abs(a.length - b.length) > limit) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > limit) return Infinity;
    prev = cur;
  }
  return prev[b.length] <= limit ? prev[b.length] : Infinity;
}

// The known key closest to an unknown one (case-insensitive), or null when none is near.
export function closestKey(key) {
  const k = key.toLowerCase();
  let best = null, dist = Infinity;
  for (const known of KEYS) {
    const d = editDistance(k, known);
    if (d < dist) { best = known; dist = d; }
  }
  return best;
}

// What the page says about an unknown key.
export const unknownNotice = (u) => (u.suggestion ? `unknown field '${u.key}' — did you mean '${u.suggestion}'?` : `unknown field '${u.key}' ignored`);

// search ("?a=1&b=2" or "a=1&b=2") -> { view, params: URLSearchParams of known keys only,
// unknown: [{key, suggestion}] for the keys it left out (none is dropped silently) }.
export function readState(search) {
  let raw;
  try { raw = new URLSearchParams(typeof search === 'string' ? search : ''); } catch { raw = new URLSearchParams(); }
  const params = new URLSearchParams();
  const unknown = [];
  for (const [k, v] of raw) {
    if (!KEYS.has(k)) {
      // Shown as text, control characters as "?" (so it can never read as a known key).
      const key = k.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, MAX_KEY_SHOWN);
      if (key && unknown.length < MAX_UNKNOWN && !unknown.some((u) => u.key === key)) unknown.push({ key, suggestion: closestKey(key) });
      continue;
    }
    if (params.has(k)) continue;  // the first value of a repeated key wins
    params.set(k, clean(v, k === 'cfg' ? MAX_CFG : MAX_VALUE));
  }
  const view = VIEWS.includes(params.get('view')) ? params.get('view') : 'run';
  return { view, params, unknown };
}

export function b64uEncode(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function b64uDecode(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const bin = atob(s.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function deflateText(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return b64uEncode(new Uint8Array(await new Response(stream).arrayBuffer()));
}

// Inflates at most MAX_INFLATED bytes; more, or a corrupt stream, throws.
export async function inflateText(b64, max = MAX_INFLATED) {
  const reader = new Blob([b64uDecode(b64)]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) { await reader.cancel(); throw new Error(`inflates past ${max} bytes`); }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return new TextDecoder().decode(out);
}

// --- moving between views: the machine and the model travel with the user -------------------
// What each view calls the shared inputs: the model (model, quant, context) and the machine
// (hardware, count, RAM). `get` reads them from a view's URL state, `put` writes them into it.
const spec = (hw, n) => (n && n !== '1' ? `${hw}x${n}` : hw);
const parseSpec = (s) => { const m = /^(.*?)(?:x(\d+))?$/.exec(s); return { hardware: m[1], count: m[2] || '1' }; };
const SHARED = {
  run: {
    get: (p) => ({ model: p.get('model'), quant: p.get('quant'), context: p.get('context'), hardware: p.get('hardware'), count: p.get('count'), ram: p.get('ram') }),
    put(p, s) {
      const was = (k) => p.get(k);
      // Inputs that belong to one model or one machine do not survive a change of either.
      if (s.model && s.model !== was('model')) ['ngl', 'ncm', 'cfg', 'cfgname', 'gguf'].forEach((k) => p.delete(k));
      if ((s.hardware && s.hardware !== was('hardware')) || (s.count && s.count !== (was('count') || '1'))) ['ngl', 'ncm', 'more'].forEach((k) => p.delete(k));
      for (const k of ['model', 'quant', 'context', 'hardware', 'count', 'ram']) if (s[k]) p.set(k, s[k]);
    },
  },
  machine: {
    get: (p) => ({ quant: p.get('quant'), context: p.get('context'), hardware: p.get('hardware'), count: p.get('count'), ram: p.get('ram_gb') }),
    put(p, s) { for (const [k, v] of [['quant', s.quant], ['context', s.context], ['hardware', s.hardware], ['count', s.count], ['ram_gb', s.ram]]) if (v) p.set(k, v); },
  },
  compare: {
    get(p) {
      const first = (p.get('setups') || '').split(';')[0];
      return { model: p.get('model'), quant: p.get('quant'), context: p.get('context'), ...(first ? parseSpec(first) : {}) };
    },
    put(p, s) {
      for (const k of ['model', 'quant', 'context']) if (s[k]) p.set(k, s[k]);
      if (!s.hardware) return;
      const setups = (p.get('setups') || 'rtx-3090x2;rtx-4090x2;apple-m4-max-40c').split(';').filter(Boolean);
      const mine = spec(s.hardware, s.count);
      if (!setups.includes(mine)) p.set('setups', [mine, ...setups].slice(0, 6).join(';'));
      else p.set('setups', setups.join(';'));
    },
  },
  cost: {
    get: (p) => ({ model: p.get('model'), quant: p.get('quant'), context: p.get('context'), hardware: p.get('hardware'), count: p.get('count') }),
    put(p, s) { for (const k of ['model', 'quant', 'context', 'hardware', 'count']) if (s[k]) p.set(k, s[k]); },
  },
  choose: {
    get(p) { const [model, quant, context] = (p.get('workloads') || '').split(';')[0].split(':'); return { model, quant, context }; },
    put(p, s) {
      if (!s.model || s.model.startsWith('user:')) return;
      const rest = (p.get('workloads') || '').split(';').filter(Boolean).slice(1);
      p.set('workloads', [`${s.model}:${s.quant || 'Q4_K_M'}:${s.context || 8192}`, ...rest].join(';'));
    },
  },
};

// The model and machine a view's state holds (only the ones it has).
export function sharedOf(view, params) {
  const got = SHARED[view]?.get(params) || {};
  return Object.fromEntries(Object.entries(got).filter(([, v]) => v));
}

// The link of view `to`: its own last state (remembered, or nothing) with the model and machine
// the user chose so far (`shared`, gathered with sharedOf from the views they left).
export function enterView(to, remembered, shared) {
  const p = new URLSearchParams(remembered || '');
  p.delete('view');
  const s = { ...shared };
  // A model only the run view knows (the user's own file) does not travel to the other tools.
  if (s.model?.startsWith('user:') && to !== 'run') delete s.model;
  SHARED[to]?.put(p, s);
  return new URLSearchParams([['view', to], ...p]);
}
