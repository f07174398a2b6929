// The wasm module carries the catalog without prose: notes, comments, exception reasons and
// per-field source attributions and benchmark test details
// stay in catalog/*.json and CATALOG.md (the engine and the page never read them), which keeps
// the download inside its budget. Usage: node tools/slim-catalog.mjs SRC_DIR OUT_DIR
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const [src, out] = process.argv.slice(2);
const drop = new Set(['notes', '$comment', 'default_context_semantics', 'why', 'until', 'fields', 'test_detail']);
const strip = (x) =>
  Array.isArray(x) ? x.map(strip)
    : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([k]) => !drop.has(k)).map(([k, v]) => [k, strip(v)]))
      : x;
mkdirSync(out, { recursive: true });
for (const f of readdirSync(src).filter((n) => n.endsWith('.json')).sort()) {
  const text = JSON.stringify(strip(JSON.parse(readFileSync(`${src}/${f}`, 'utf8'))));
  let old = null;
  try { old = readFileSync(`${out}/${f}`, 'utf8'); } catch { /* first run */ }
  if (old !== text) writeFileSync(`${out}/${f}`, text);
}
