// Fuzzing the page's URL-state decoder (web/js/urlstate.js). libFuzzer cannot run JavaScript, so
// this is a small mutation fuzzer of our own: seeded from real links (every view, a shared
// config.json) and hostile ones, it mutates query strings (bytes, %-escapes, splices, repeats,
// huge values) and checks after every run that the decoder did not throw, kept only known keys
// (reporting the others, capped),
// capped every value, stripped control characters and picked a known view. One run in 50 also
// inflates the `cfg` value, which must give a string under the cap or a clean error, never
// more. A failing input is written to build/fuzz/url-state-crash-N.txt.
//   node tests/fuzz/url-state.fuzz.mjs [runs=1000000] [seed=1]
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KEYS, MAX_CFG, MAX_INFLATED, MAX_KEY_SHOWN, MAX_UNKNOWN, MAX_VALUE, VIEWS, deflateText, inflateText, readState } from '../../web/js/urlstate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const runs = Number(process.argv[2] || 1_000_000);
let state = Number(process.argv[3] || 1) >>> 0 || 1;
const rnd = (n) => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state % n; };

const config = JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 4096,
  intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8,
  vocab_size: 128256, max_position_embeddings: 131072, rope_theta: 500000, tie_word_embeddings: false });
const cfg = await deflateText(config);
const bomb = await deflateText('\u0000'.repeat(4 * MAX_INFLATED));  // 1 MiB of zeros: ~1 KB deflated
const seeds = [
  '?view=run&model=llama-3.1-70b&quant=Q4_K_M&context=16384&hardware=rtx-3090&count=2&ram=64&os=linux&runtime=llama.cpp&kv=f16&fa=on&more=rtx-3060-12gb;rtx-4090x2',
  '?view=compare&model=llama-3.1-70b&quant=Q4_K_M&context=16384&setups=rtx-3090x2;rtx-4090x2',
  '?view=choose&budget_usd=2000&price=used&min_decode_tps=20&max_cards=4&max_watts=0&mac_ok=true&os=windows&workloads=qwen3-32b:Q4_K_M:16384',
  '?view=cost&model=llama-3.1-8b&hardware=rtx-4090&usd_per_kwh=0.3&output_tokens_per_day=2000000&life_years=3',
  '?view=machine&hardware=apple-m4-max-40c&ram_gb=128&family=qwen&max_b=40&sort=decode',
  '?view=catalog&list=hardware&q=rtx', '?view=method',
  `?view=run&model=user:my-llama&cfg=${cfg}&cfgname=my-llama`,
  `?view=run&cfg=${bomb}&cfgname=bomb`,
  '?model=%3Cscript%3Ealert(1)%3C%2Fscript%3E&hardware=%22onmouseover%3D%22x&view=%00run',
  '?view=__proto__&constructor=1&hasOwnProperty=2&toString=3',
];
const pieces = ['&', '=', '%', '%00', '%FF', '%E2%80%AE', '%F0%9F%98%80', '<script>', '"', "'", ';', 'x', '?',
  'view=', 'cfg=', 'model=', '+', '%25', '\u0000', '\uFFFF', '\uD800', 'é', '#', 'javascript:', '\n'];

function mutate(s) {
  const n = 1 + rnd(4);
  for (let i = 0; i < n; i++) {
    const at = rnd(s.length + 1);
    switch (rnd(7)) {
      case 0: s = s.slice(0, at) + pieces[rnd(pieces.length)] + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + rnd(16)); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(rnd(0x10000)) + s.slice(at); break;
      case 3: { const o = seeds[rnd(seeds.length)]; s = s.slice(0, at) + o.slice(rnd(o.length)); break; }
      case 4: s = s.slice(0, at) + 'A'.repeat(rnd(5) === 0 ? 100000 : rnd(600)) + s.slice(at); break;
      case 5: s = s + '&' + s.slice(1, 1 + rnd(80)); break;
      default: s = s.slice(0, at) + s.slice(at, at + rnd(32)).split('').reverse().join('') + s.slice(at);
    }
  }
  return s.length > 400000 ? s.slice(0, 400000) : s;
}

let crashes = 0;
function fail(input, why) {
  mkdirSync(`${root}build/fuzz`, { recursive: true });
  writeFileSync(`${root}build/fuzz/url-state-crash-${crashes}.txt`, input);
  console.error(`url-state: ${why} (input in build/fuzz/url-state-crash-${crashes}.txt)`);
  crashes++;
}

const t0 = performance.now();
let inflated = 0, refused = 0;
for (let i = 0; i < runs && crashes === 0; i++) {
  const input = i < seeds.length ? seeds[i] : mutate(seeds[rnd(seeds.length)]);
  let out;
  try { out = readState(input); } catch (e) { fail(input, `readState threw ${e}`); break; }
  if (!VIEWS.includes(out.view)) fail(input, `unknown view ${out.view}`);
  for (const [k, v] of out.params) {
    if (!KEYS.has(k)) fail(input, `unknown key ${k}`);
    if (v.length > (k === 'cfg' ? MAX_CFG : MAX_VALUE)) fail(input, `value of ${k} not capped`);
    if (/[\u0000-\u001f\u007f]/.test(v)) fail(input, `control character in ${k}`);
  }
  // Unknown keys are reported, not dropped silently: capped in number and length, clean, and any
  // suggestion is a known key.
  if (!Array.isArray(out.unknown) || out.unknown.length > MAX_UNKNOWN) fail(input, 'unknown keys not reported or not capped');
  for (const u of out.unknown) {
    if (typeof u.key !== 'string' || u.key.length > MAX_KEY_SHOWN || /[\u0000-\u001f\u007f]/.test(u.key)) fail(input, `unknown key not capped/clean: ${u.key}`);
    if (KEYS.has(u.key)) fail(input, `known key ${u.key} reported unknown`);
    if (u.suggestion !== null && !KEYS.has(u.suggestion)) fail(input, `suggestion ${u.suggestion} is not a key`);
  }
  if ((i < seeds.length || i % 50 === 0) && out.params.get('cfg')) {
    try {
      const text = await inflateText(out.params.get('cfg'));
      if (new TextEncoder().encode(text).length > MAX_INFLATED) fail(input, 'inflated past the cap');
      inflated++;
    } catch (e) {
      if (!(e instanceof Error)) fail(input, `inflate threw a non-Error ${e}`);
      refused++;
    }
  }
}
const s = (performance.now() - t0) / 1000;
console.log(`url-state fuzz: ${runs} runs in ${s.toFixed(0)} s, ${inflated} configs inflated, ${refused} refused, ${crashes} findings`);
process.exit(crashes ? 1 : 0);
