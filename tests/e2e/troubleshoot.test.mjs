// Issue 18: the Troubleshoot view as a user drives it — paste a real log (shared/fixtures/logs),
// correct what was read, diagnose, follow a link into Will it run? — and hostile input.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, mkdirSync } from 'node:fs';
import { startServer } from '../../tools/serve.mjs';
import { launch, root, artifacts, shared, needsShared } from './browser.mjs';

let server, ctx, base;
before(async () => {
  server = await startServer(join(root, 'build', 'site'), 0);
  base = `http://127.0.0.1:${server.address().port}/`;
  ctx = await launch();
  mkdirSync(artifacts, { recursive: true });
});
after(async () => { await ctx?.close(); server?.close(); });

async function open() {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}?view=troubleshoot`);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, errors };
}
async function diagnose(page, text) {
  await page.fill('#log-text', text);
  await page.evaluate(() => { delete document.body.dataset.state; });
  await page.click('#diagnose');
  await page.waitForSelector('body[data-state]');
}
const log = (name) => readFileSync(join(shared, 'fixtures', 'logs', name), 'utf8');

test('a pasted OOM log names the overflowing buffer; the log never enters the URL', needsShared, async () => {
  const { page, errors } = await open();
  await diagnose(page, log('llamacpp_cuda_rtx3090_qwen35-397b-a17b-q4ks_c262144_oom-model-buffer.log'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ok');
  const findings = await page.$$eval('#ts-findings li', (li) => li.map((x) => x.textContent));
  assert.ok(findings.includes('the model weights needed 141.42 GiB on CUDA0; 23.30 GiB was free at load'), findings.join('\n'));
  assert.ok(!page.url().includes('cudaMalloc') && page.url().length < 200, page.url());
  await page.screenshot({ path: join(artifacts, 'troubleshoot-oom.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('expert-offload log: buffers side by side, edit RAM, follow the link into Will it run?', needsShared, async () => {
  const { page, errors } = await open();
  await page.click('#ts-edit summary');
  await page.fill('#ts-ram', '256');
  await diagnose(page, log('llamacpp_cuda_a6000_qwen3-235b-a22b-q8_0_c32768_expert-offload_loaded.log'));
  const rows = await page.$$eval('#ts-result table tbody tr', (tr) => tr.map((r) => [...r.cells].map((c) => c.textContent)));
  const kv = rows.find((r) => r[0] === 'CUDA0 kv');
  assert.deepEqual(kv, ['CUDA0 kv', '6016.00 MiB', '6016.00 MiB', '+0.0 %']);
  const href = await page.getAttribute('#ts-open', 'href');
  assert.equal(href, '?view=run&model=qwen3-235b-a22b&quant=Q8_0&context=32768&hardware=rtx-a6000&count=1&ncm=81&kv=f16&fa=on&ram=256');
  await page.click('#ts-open');
  await page.waitForSelector('body[data-state="ok"]');
  assert.equal(await page.inputValue('#model'), 'qwen3-235b-a22b');
  assert.deepEqual(errors, []);
});

test('a vLLM refusal: its profile beside the engine, the same verdict, a fix as vllm serve flags', needsShared, async () => {
  const { page, errors } = await open();
  await page.click('#ts-edit summary');
  await page.fill('#ts-model', 'llama-3.1-8b');
  await page.fill('#ts-quant', 'BF16');
  await page.fill('#ts-hardware', 'rtx-3090');
  await diagnose(page, log('vllm_cuda_rtx3090_llama31-8b_c29000_kv-insufficient.log'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ok');
  const rows = await page.$$eval('#ts-result table tbody tr', (tr) => tr.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]).sort(), ['CUDA0 compute', 'CUDA0 kv pool', 'CUDA0 model']);
  const compute = rows.find((r) => r[0] === 'CUDA0 compute');
  assert.equal(compute[1], '3062.99 MiB');  // (17.98 - 14.9888) GiB, read off the log
  assert.match(await page.textContent('#ts-result'), /verdict for this setup: will not run/);
  const fixes = await page.$$eval('#ts-fixes pre', (p) => p.map((x) => x.textContent));
  assert.ok(fixes.length > 0 && fixes.every((f) => f.startsWith('vllm serve meta-llama/Llama-3.1-8B ')), fixes.join('\n'));
  await page.screenshot({ path: join(artifacts, 'troubleshoot-vllm.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('hostile and foreign input: a clear message, rendered as text, and the view keeps working', async () => {
  const { page, errors } = await open();
  await diagnose(page, 'total 12\ndrwxr-xr-x 2 root root 4096 .\n');
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
  assert.match(await page.textContent('#ts-result'), /^log: no line that llama\.cpp, Ollama/);
  await diagnose(page, '  Device 0: <img src=x onerror=alert(1)>, compute capability 8.6, VMM: yes\nllama_context: n_ctx = 4096\n');
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ok');
  assert.equal(await page.$$eval('#ts-result img', (x) => x.length), 0);
  assert.match(await page.textContent('#ts-result'), /CUDA0 <img src=x onerror=alert\(1\)>/);
  assert.deepEqual(errors, []);
});

test('the errors knowledge base: a link opens its entry; search filters; a matched line links to it', needsShared, async () => {
  const { page, errors } = await open();
  await page.goto(`${base}?view=troubleshoot&error=kv-cache-buffer-failed`);
  await page.waitForSelector('#kb-kv-cache-buffer-failed[open]');
  assert.match(await page.textContent('#kb-kv-cache-buffer-failed summary'), /failed to allocate buffer for kv cache/);
  await page.fill('#kb-search', 'working set');
  await page.dispatchEvent('#kb-search', 'input');
  const shown = await page.$$eval('#kb-list details', (d) => d.map((x) => x.textContent));
  assert.ok(shown.length >= 1 && shown.length < 82, String(shown.length));
  assert.ok(shown.every((t) => /working set/i.test(t)), shown.join('|'));
  assert.equal(await page.$$eval('#kb-list', (l) => l[0].textContent.includes('null')), false);
  await diagnose(page, log('llamacpp-python_cuda_4xa100-80gb_deepseek-v3-q2kl_oom-kv.log'));
  const more = await page.$$eval('#ts-result a', (a) => a.map((x) => x.getAttribute('href')));
  assert.ok(more.includes('?view=troubleshoot&error=kv-cache-buffer-failed'), more.join('\n'));
  await page.screenshot({ path: join(artifacts, 'troubleshoot-kb.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
