// The URL-state decoder: every view's inputs come from here, never from location.search itself.
// It keeps only known keys, strips control characters, caps lengths, and inflates a shared
// config.json with a hard output cap (a deflate bomb in a link cannot take the tab down).
// Values stay strings: the core validates them and names the field when one is wrong.
// Pure (no DOM): tests/fuzz/url-state.fuzz.mjs runs it on millions of mutated links.

export const VIEWS = ['run', 'machine', 'compare', 'choose', 'cost', 'catalog', 'method'];

// Every key any view reads.
export const KEYS = new Set([
  'view', 'model', 'quant', 'context', 'hardware', 'count', 'ram', 'ram_gb', 'os', 'runtime', 'kv', 'fa', 'ngl', 'ncm', 'more',
  'cfg', 'cfgname', 'gguf', 'setups', 'price', 'budget_usd', 'min_decode_tps', 'max_cards', 'max_watts', 'mac_ok',
  'workloads', 'family', 'max_b', 'sort', 'list', 'q', 'usd_per_kwh', 'output_tokens_per_day', 'input_output_ratio',
  'life_years', 'resale_fraction', 'price_usd', 'gpu_reserved_mb', 'ram_bandwidth_gb_s', 'wired_limit_mb',
]);

export const MAX_VALUE = 256;          // characters of an ordinary value
export const MAX_CFG = 64 * 1024;      // characters of the deflated, base64url config.json
export const MAX_INFLATED = 256 * 1024; // bytes of the inflated config.json (real ones are < 10 KB)

const clean = (s, max) => s.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, max);

// search ("?a=1&b=2" or "a=1&b=2") -> { view, params: URLSearchParams of known keys only }.
export function readState(search) {
  let raw;
  try { raw = new URLSearchParams(typeof search === 'string' ? search : ''); } catch { raw = new URLSearchParams(); }
  const params = new URLSearchParams();
  for (const [k, v] of raw) {
    if (!KEYS.has(k) || params.has(k)) continue;  // the first value of a repeated key wins
    params.set(k, clean(v, k === 'cfg' ? MAX_CFG : MAX_VALUE));
  }
  const view = VIEWS.includes(params.get('view')) ? params.get('view') : 'run';
  return { view, params };
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
