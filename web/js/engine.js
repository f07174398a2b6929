// Loads the wasm core once per page (memoized), relative to this script's own URL, so the page
// and the widget work from any path or origin. The core takes and returns JSON.
let modulePromise = null;

export function loadEngine() {
  if (!modulePromise) {
    const url = new URL('../runcheck.mjs', import.meta.url);
    modulePromise = import(url.href).then((m) => m.default());
  }
  return modulePromise;
}

/** @param {object} req request object, e.g. {command:'estimate', model, quant}
 *  @returns {Promise<object>} the core's response: {ok:true,...} or {ok:false,error:{field,message}} */
export async function request(req) {
  const mod = await loadEngine();
  return JSON.parse(mod.request(JSON.stringify(req)));
}

// Reads only a GGUF's header from a File (or Blob): a growing prefix via slice(), as the core asks.
// Returns the core's import answer and how many bytes were read.
export async function importGgufFile(file) {
  const mod = await loadEngine();
  let want = Math.min(file.size, 1 << 20);
  for (let i = 0; i < 40; i++) {
    const bytes = new Uint8Array(await file.slice(0, want).arrayBuffer());
    const res = JSON.parse(mod.importGguf(bytes, file.size, file.name));
    if (res.ok || !res.needed_bytes) return { ...res, bytes_read: want };
    want = Math.min(file.size, Math.max(res.needed_bytes, want * 2));
  }
  return { ok: false, error: { field: 'file', message: 'the GGUF header did not end' } };
}
