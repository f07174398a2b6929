// Methodology: the constants and fits, read from the core itself (command: methodology), and the
// glossary.
import { el, table } from '../ui.js';
import { num } from '../format.js';

const GLOSSARY = [
  ['VRAM', 'the GPU\'s own memory; weights, KV cache and scratch buffers must fit in it (or spill to system RAM).'],
  ['Quantization', 'storing weights in fewer bits (Q4_K_M ≈ 4.8 bits per weight in llama.cpp), trading a little quality for memory and speed.'],
  ['KV cache', 'the keys and values of every token in the context, kept per layer so new tokens can attend to them; grows linearly with context.'],
  ['Context', 'how many tokens the model can attend to at once (prompt plus generated text).'],
  ['Offload', 'running some layers (or MoE experts) from system RAM on the CPU when the GPU is full; slower.'],
  ['MoE', 'mixture of experts: each token uses a few of many expert blocks, so it reads only the active experts\' weights.'],
  ['Bandwidth', 'bytes per second the memory delivers; decode speed is bounded by bandwidth ÷ bytes read per token.'],
  ['Prefill / decode', 'prefill processes the prompt (compute-bound, many tokens at once); decode generates one token at a time (bandwidth-bound).'],
  ['Evidence', 'measured = published runs of exactly this setup, within 25 % of the figure at their own depths; extrapolated = fitted on similar hardware; estimated = formula with a borrowed fit. A setup\'s own runs that sit further off keep the fitted label and widen the range to take them in.'],
];

export async function mount(root, { request }) {
  const res = await request({ command: 'methodology' });
  const fits = res.speed_fits.map((f) => [f.group,
    f.decode ? `${f.decode.rows} rows: t0 ${num(f.decode.t0_ms, 3)} ms per layer at the reference host${f.decode.moe_layer_ms > 0 ? ` (+${num(f.decode.moe_layer_ms, 3)} per MoE layer)` : ''}${f.decode.recurrent_layer_ms > 0 ? ` (+${num(f.decode.recurrent_layer_ms, 3)} per recurrent layer)` : ''}${f.decode.unfused_attention_layer_ms >= 0.0005 ? ` (+${num(f.decode.unfused_attention_layer_ms, 3)} per attention layer without flash attention)` : ''}, efficiency ${num(f.decode.efficiency, 2)}, +${num(f.decode.per_extra_gpu_ms, 2)} ms per extra GPU, ${f.decode.issue_bytes_per_sm_cycle == null ? 'no issue bound' : `issue bound ${num(f.decode.issue_bytes_per_sm_cycle, 1)} B per SM-cycle`}, 2024 builds ×${num(f.decode.old_build_factor, 2)}${f.decode.fa_off_kv_refetch_share == null ? '' : `, without flash attention ${num(f.decode.fa_off_kv_refetch_share * 100, 0)} % of repeated KV reads from memory${f.decode.fa_off_kv_refetch_fitted ? '' : ' (assumed: too few runs to fit)'}`}${f.decode.fa_off_score_ns == null ? '' : `, without flash attention ${num(f.decode.fa_off_score_ns, 0)} ns of a GPU core per attention score (${f.decode.fa_off_score_configs} configurations measured at several depths)`}` : '—',
    f.prefill ? `${f.prefill.rows} rows: overhead ${num(f.prefill.overhead_us, 0)} µs, matmul efficiency ${num(f.prefill.matmul_efficiency, 2)}, attention ×${num(f.prefill.attention_factor, 2)}` : '—']);
  root.replaceChildren(el('div', { className: 'panel' }, el('h2', { textContent: 'Methodology' }),
    el('p', { textContent: 'Memory follows what llama.cpp, Ollama, vLLM and MLX allocate: weights tensor by tensor with llama.cpp\'s quantization rules, KV per layer (GQA, sliding window, MLA, recurrent state), compute buffers, runtime overhead, placed device by device. Speed: decode time per token = a fixed cost per layer (more for MoE and recurrent layers) + Σ bytes read ÷ (efficiency × the lower of the bandwidth and the rate the GPU\'s SMs or compute units can unpack weights: units × boost clock × the fitted bytes per unit-cycle); prefill from FLOPs over compute, attention at depth, and llama.cpp\'s pipeline over several GPUs; both fitted per runtime on published runs (each with its own settings), for current llama.cpp builds unless an older one is set. Everything below is read from the running core.' }),
    el('h3', { textContent: 'Constants' }),
    table(["Name", "Value", "What", "Source"], res.constants.map((c) => [c.name, `${Number(c.value.toPrecision(4))} ${c.unit}`, c.what, c.source])),
    el('h3', { textContent: 'Speed fits (per backend / precision)' }),
    table(['Group', 'Decode', 'Prefill'], fits),
    el('h3', { textContent: 'Glossary' }),
    el('dl', { className: 'facts', id: 'glossary' }, ...GLOSSARY.flatMap(([t, d]) => [el('dt', {}, el('dfn', { textContent: t })), el('dd', { textContent: d })]))));
  root.firstChild.dataset.ready = '1';
}
