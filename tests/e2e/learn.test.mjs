// Issues 19 and 21: the Learn view (glossary entries rendered by the core, an example followed
// into Will it run? and back) and My machine's ranked answer for a use case (equal to the CLI's).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../../tools/serve.mjs';
import { execFileSync } from 'node:child_process';
import { launch, cli, root, artifacts, openPage, shots, shared, needsShared } from './browser.mjs';

let server, ctx, base;
before(async () => {
  server = await startServer(join(root, 'build', 'site'), 0);
  base = `http://127.0.0.1:${server.address().port}/`;
  ctx = await launch();
});
after(async () => { await ctx?.close(); server?.close(); });

const open = (url) => openPage(ctx, url);

test('learn: search, open an entry whose numbers are the engine\'s, follow its example and come back', async () => {
  const { page, errors } = await open(`${base}?view=learn`);
  const list = cli({ command: 'learn' });
  assert.equal(await page.$$eval('#learn-index li', (l) => l.length), list.terms.length);
  await page.fill('#learn-search', 'kv cache');
  const hits = await page.$$eval('#learn-index li a', (a) => a.map((x) => x.textContent));
  assert.ok(hits.includes('KV cache'), hits.join(', '));
  await shots(page, 'learn-index');
  await page.click('#learn-index a:text-is("KV cache")');
  await page.waitForSelector('#learn-entry');
  const entry = cli({ command: 'learn', term: 'kv-cache' });
  assert.equal(await page.textContent('#learn-example'), entry.example.text);
  assert.deepEqual(entry.unresolved, []);
  // The example's figures are the estimate's: the KV of Llama 3.1 8B's full context.
  const kv = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', context: 131072, hardware: 'rtx-4090' });
  assert.match(entry.example.text, new RegExp(`${(kv.memory.kv_cache_bytes / 2 ** 30).toFixed(2)} GiB`));
  await shots(page, 'learn-entry');
  await page.click('#learn-open');
  await page.waitForSelector('#verdict');
  assert.match(page.url(), /view=run/);
  assert.match(page.url(), new RegExp(`model=${entry.example.request.model}`));
  await page.goBack();
  await page.waitForSelector('#learn-entry');
  assert.equal(await page.textContent('#learn-entry h2'), 'KV cache');
  // An unknown term and a hostile one: a message, as text.
  await page.goto(`${base}?view=learn&term=%3Cscript%3Ealert(1)%3C/script%3E`);
  await page.waitForSelector('#view-learn [role="alert"]');
  assert.match(await page.textContent('#view-learn [role="alert"]'), /no glossary entry '<script>/);
  assert.equal(await page.$('#view-learn script'), null);
  assert.deepEqual(errors, []);
});

test('my machine: the best models for a use case equal the CLI\'s ranking', async () => {
  const { page, errors } = await open(`${base}?view=machine&hardware=rtx-3090&count=1&ram_gb=64&use_case=reasoning`);
  await page.waitForSelector('#best-for');
  await page.waitForSelector('#machine-result[data-ready="1"]');
  const expected = cli({ command: 'recommend', hardware: 'rtx-3090', ram_gb: '64', use_case: 'reasoning' });
  const names = await page.$$eval('#best-for tbody tr td:nth-child(2)', (t) => t.map((x) => x.textContent));
  assert.deepEqual(names, expected.ranked.map((x) => x.name));
  const why = await page.$$eval('#why-not li', (l) => l.map((x) => x.textContent));
  assert.equal(why.length, expected.why_not.length);
  await shots(page, 'machine-best');
  assert.deepEqual(errors, []);
});

test('speculative: a draft pair end to end, the same figures as the CLI', async () => {
  const url = `${base}?view=run&model=llama-3.1-8b&quant=Q8_0&context=8192&hardware=rtx-3060-12gb&count=1&speculative=draft&draft_model=llama-3.2-1b&acceptance=0.72`;
  const { page, errors } = await open(url);
  await page.waitForSelector('#speculative-speed:not([hidden])');
  const r = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q8_0', context: '8192', hardware: 'rtx-3060-12gb', speculative: 'draft', draft_model: 'llama-3.2-1b', acceptance: '0.72' });
  const s = r.speed.speculative;
  const text = await page.textContent('#speculative-speed');
  const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  assert.ok(text.startsWith(`${tps(s.decode_tps)} tokens/s`), text);
  assert.match(text, /2\.61 tokens a step at acceptance 0\.72/);
  assert.match(await page.textContent('#commands'), /--spec-type draft-simple -hfd /);
  await page.screenshot({ path: join(artifacts, 'speculative-desktop.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('speculative on vLLM: a draft model joins the KV pool, its format named, the --speculative-config command', async () => {
  const url = `${base}?view=run&model=qwen3-8b&quant=BF16&context=8192&hardware=rtx-4090&count=1&runtime=vllm&speculative=draft&draft_model=qwen3-0.6b&draft_max=5`;
  const { page, errors } = await open(url);
  await page.waitForSelector('#speculative-speed:not([hidden])');
  const r = cli({ command: 'estimate', model: 'qwen3-8b', quant: 'BF16', context: '8192', hardware: 'rtx-4090', runtime: 'vllm', speculative: 'draft', draft_model: 'qwen3-0.6b', draft_max: '5' });
  const s = r.speed.speculative;
  const text = await page.textContent('#speculative-speed');
  const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  assert.ok(text.startsWith(`${tps(s.decode_tps)} tokens/s`), text);
  assert.match(text, /draft qwen3-0\.6b \(BF16-safetensors\)/);
  assert.match(await page.textContent('#commands'), /"method":"draft_model","model":"Qwen\/Qwen3-0\.6B","num_speculative_tokens":5/);
  await page.screenshot({ path: join(artifacts, 'speculative-vllm-desktop.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('speculative on vLLM with an EAGLE-3 head: offered as a draft, never as a model; its command and figures as the CLI', async () => {
  const url = `${base}?view=run&model=llama-3.1-8b&quant=BF16&context=8192&hardware=rtx-4090&count=1&runtime=vllm&speculative=eagle3&draft_model=eagle3-llama-3.1-8b&draft_max=4`;
  const { page, errors } = await open(url);
  await page.waitForSelector('#speculative-speed:not([hidden])');
  // The head is in the draft picker only.
  assert.equal(await page.$$eval('#model option[value="eagle3-llama-3.1-8b"]', (o) => o.length), 0);
  assert.equal(await page.$$eval('#draft_model option[value="eagle3-llama-3.1-8b"]', (o) => o.length), 1);
  const r = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'BF16', context: '8192', hardware: 'rtx-4090', runtime: 'vllm', speculative: 'eagle3', draft_model: 'eagle3-llama-3.1-8b', draft_max: '4' });
  const s = r.speed.speculative;
  const text = await page.textContent('#speculative-speed');
  const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  assert.ok(text.startsWith(`${tps(s.decode_tps)} tokens/s`), text);
  assert.match(text, /with eagle3 eagle3-llama-3\.1-8b \(BF16-safetensors\)/);
  assert.match(await page.textContent('#commands'), /"method":"eagle3","model":"yuhuili\/EAGLE3-LLaMA3\.1-Instruct-8B","num_speculative_tokens":4/);
  await page.locator('#speculative-speed').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'speculative-eagle3-desktop.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('speculative on llama-server with an EAGLE-3 head: draft-eagle3 with the head\'s GGUF, figures as the CLI', async () => {
  const url = `${base}?view=run&model=llama-3.1-8b&quant=Q4_K_M&context=8192&hardware=rtx-4090&count=1&speculative=eagle3&draft_model=eagle3-llama-3.1-8b`;
  const { page, errors } = await open(url);
  await page.waitForSelector('#speculative-speed:not([hidden])');
  const r = cli({ command: 'estimate', model: 'llama-3.1-8b', quant: 'Q4_K_M', context: '8192', hardware: 'rtx-4090', speculative: 'eagle3', draft_model: 'eagle3-llama-3.1-8b' });
  const s = r.speed.speculative;
  assert.equal(s.draft_bytes, 849668096 + 33554432 + 92274688);  // by hand in speculative_test
  const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const text = await page.textContent('#speculative-speed');
  assert.ok(text.startsWith(`${tps(s.decode_tps)} tokens/s`), text);
  assert.match(text, /with eagle3 eagle3-llama-3\.1-8b \(F16\)/);
  assert.match(await page.textContent('#commands'), /--spec-type draft-eagle3 -md <eagle3-llama-3\.1-8b-F16\.gguf> --spec-draft-n-max 3/);
  assert.equal(await page.$eval('#draft_model option[value="eagle3-llama-3.1-8b"]', (o) => o.textContent), 'EAGLE-3 head for Llama 3.1 8B Instruct');
  assert.deepEqual(errors, []);
});

test('speculative with the user\'s own draft file: it joins the draft picker, drafts as in the CLI, and its name is in -md', needsShared, async () => {
  const { page, errors } = await open(`${base}?view=run&model=llama-2-7b&quant=Q4_K_M&context=4096&hardware=rtx-3090&count=1`);
  const file = join(shared, 'fixtures/gguf/llama-2-tiny-random.gguf');
  await page.setInputFiles('#model-file', file);
  await page.waitForFunction(() => document.querySelector('#model').value === 'user:llama-2-tiny-random.gguf');
  // The file became the model; back to Llama 2 7B, drafting with the file.
  await page.selectOption('#model', 'llama-2-7b');
  await page.evaluate(() => { document.querySelector('#advanced').open = true; });
  assert.equal(await page.$eval('#draft_model option[value="user:llama-2-tiny-random.gguf"]', (o) => o.textContent), 'llama-2-tiny-random.gguf (your GGUF) (your file)');
  await page.selectOption('#speculative', 'draft');
  await page.selectOption('#draft_model', 'user:llama-2-tiny-random.gguf');
  await page.waitForSelector('#speculative-speed:not([hidden])');
  const r = JSON.parse(execFileSync(join(root, 'build/native/runcheck'), ['estimate', '--model', 'llama-2-7b', '--quant', 'Q4_K_M', '--context', '4096',
    '--hardware', 'rtx-3090', '--speculative', 'draft', '--draft-file', file, '--json']).toString());
  const s = r.speed.speculative;
  assert.equal(s.draft_bytes, 1026144 + 131072 + 65536000 + 16384);  // the file's tensors, its f16 cache, its logits (speculative_test)
  const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const text = await page.textContent('#speculative-speed');
  assert.ok(text.startsWith(`${tps(s.decode_tps)} tokens/s`), text);
  assert.match(text, /with draft user:llama-2-tiny-random\.gguf \(F16\)/);
  assert.match(await page.textContent('#commands'), /--spec-type draft-simple -md llama-2-tiny-random\.gguf --spec-draft-n-max 3/);
  // The draft is its own segment of the GPU's bar, not "runtime".
  const dev = r.memory.devices[0];
  assert.equal(dev.speculative_bytes, s.draft_bytes);
  assert.match(await page.textContent('.device .legend'), new RegExp(`speculative draft ${(s.draft_bytes / 2 ** 30).toFixed(2)} GiB · runtime ${(dev.runtime_bytes / 2 ** 30).toFixed(2)} GiB`));
  assert.equal(dev.runtime_bytes + dev.speculative_bytes, dev.overhead_bytes);
  const width = `${(s.draft_bytes / Math.max(dev.budget_bytes, dev.used_bytes) * 100).toFixed(3)}%`;
  assert.equal(await page.$eval('.device .bar .seg-draft', (e) => e.style.width), width);
  // The link names the draft; the file itself stays here, and a reload says to choose it again.
  assert.match(page.url(), /draft_model=user%3Allama-2-tiny-random\.gguf/);
  const again = await open(page.url());
  assert.match(await again.page.textContent('#notice'), /the link's draft llama-2-tiny-random\.gguf is a file on its owner's machine/);
  await page.locator('#speculative-speed').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'speculative-own-draft.png'), fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(again.errors, []);
});

test('speculative by task: MTP on code takes the published code range, as the CLI; the task is in the URL', async () => {
  const url = `${base}?view=run&model=qwen3.6-27b&quant=Q4_K_M&context=8192&hardware=rtx-4090&count=1&speculative=mtp&task=code`;
  const { page, errors } = await open(url);
  await page.waitForSelector('#speculative-speed:not([hidden])');
  assert.equal(await page.inputValue('#task'), 'code');
  const r = cli({ command: 'estimate', model: 'qwen3.6-27b', quant: 'Q4_K_M', context: '8192', hardware: 'rtx-4090', speculative: 'mtp', task: 'code' });
  const s = r.speed.speculative;
  assert.deepEqual(s.acceptance_band, [0.797, 0.918]);  // llama.cpp PRs #24340 / #22673, code prompts (speculative_test)
  const tps = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const text = await page.textContent('#speculative-speed');
  assert.ok(text.startsWith(`${tps(s.decode_tps)} tokens/s`), text);
  assert.match(text, /at acceptance 0\.797–0\.918 \(published range for code;/);
  // Back to any text: the method's whole range.
  await page.selectOption('#task', '');
  await page.waitForFunction(() => /published range;/.test(document.querySelector('#speculative-speed').textContent));
  assert.match(await page.textContent('#speculative-speed'), /0\.671–0\.944/);
  assert.doesNotMatch(page.url(), /task=/);
  assert.deepEqual(errors, []);
});

test('the answer stays in view: side by side and sticky on a wide screen, a verdict bar on a phone; terms link to Learn', async () => {
  const url = `${base}?view=run&model=qwen3-32b&quant=Q4_K_M&context=32768&hardware=rtx-4090&count=1&ram=64`;
  const { page, errors } = await open(url);
  await page.setViewportSize({ width: 1440, height: 900 });
  const box = async (sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top }; });
  const form = await box('#will-it-run');
  const result = await box('#result');
  assert.ok(result.left >= form.right, `result beside the form: ${JSON.stringify({ form, result })}`);
  assert.equal(await page.$eval('#result', (e) => getComputedStyle(e).position), 'sticky');
  // Editing the bottom of the form (Advanced opened): the answer is still on screen.
  await page.click('#advanced summary');
  await page.$eval('#acceptance', (e) => e.scrollIntoView({ block: 'end' }));
  await page.waitForTimeout(200);
  const after = await box('#result');
  assert.ok(after.top >= 0 && after.top < 50, `the answer stays at the top: ${after.top}`);
  await page.screenshot({ path: join(artifacts, 'run-1440.png') });
  await page.setViewportSize({ width: 1024, height: 900 });
  await page.screenshot({ path: join(artifacts, 'run-1024.png') });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.equal(await page.$eval('#verdict-bar', (e) => getComputedStyle(e).display), 'flex');
  assert.equal(await page.textContent('#bar-verdict'), await page.textContent('#verdict'));
  const bar = await box('#verdict-bar');
  assert.ok(bar.top < 800 && bar.top > 700, `the bar sits at the bottom of the screen: ${bar.top}`);
  await page.screenshot({ path: join(artifacts, 'run-390.png') });
  // Every glossary-backed term has a title from the glossary and a link to its entry (added once
  // the first answer is on screen).
  await page.waitForSelector('abbr[data-term] + a.term-link');
  const terms = await page.$$eval('abbr[data-term]', (a) => a.map((x) => [x.dataset.term, x.title, x.nextElementSibling?.getAttribute('href')]));
  const learn = cli({ command: 'learn' });
  for (const [id, title, href] of terms) {
    assert.equal(title, learn.terms.find((t) => t.id === id).short, id);
    assert.equal(href, `?view=learn&term=${id}`);
  }
  assert.deepEqual(errors, []);
});

test('learn guides: a guide\'s table is the engine\'s, cell for cell, on desktop and phone', async () => {
  const { page, errors } = await open(`${base}?view=learn`);
  const guides = await page.$$eval('#learn-index section', (ss) => ss.filter((x) => x.querySelector('h3').textContent === 'Guides').flatMap((x) => [...x.querySelectorAll('li a')].map((a) => a.getAttribute('href'))));
  assert.equal(guides.length, 5, guides.join(' '));
  await page.goto(`${base}?view=learn&term=guide-multi-gpu`);
  await page.waitForSelector('#learn-table');
  const want = cli({ command: 'learn', term: 'guide-multi-gpu' }).table;
  assert.deepEqual(await page.$$eval('#learn-table thead th', (t) => t.map((x) => x.firstChild?.textContent ?? '')), want.head);
  assert.deepEqual(await page.$$eval('#learn-table tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent))), want.rows);
  await shots(page, 'learn-guide-multi-gpu');
  assert.deepEqual(errors, []);
});

test('learn links in every view: Compare\'s and the Catalog\'s terms open their glossary entries', async () => {
  const { page, errors } = await open(`${base}?view=compare&model=llama-3.1-8b&quant=Q4_K_M&context=8192&setups=rtx-3090;rtx-4090`);
  await page.waitForSelector('#view-compare [data-ready="1"]');
  await page.waitForSelector('#view-compare abbr[data-term="decode"] + a.term-link');
  const learn = cli({ command: 'learn' });
  const linked = await page.$$eval('#view-compare abbr[data-term]', (a) => a.map((x) => [x.dataset.term, x.title, x.nextElementSibling?.getAttribute('href')]));
  assert.deepEqual(linked.map(([id]) => id), ['vram', 'decode', 'prefill', 'max-context', 'tokens-per-second', 'tdp']);
  for (const [id, title, href] of linked) {
    assert.equal(title, learn.terms.find((t) => t.id === id).short, id);
    assert.equal(href, `?view=learn&term=${id}`);
  }
  await page.click('#view-compare abbr[data-term="decode"] + a.term-link');
  await page.waitForSelector('#learn-entry');
  assert.equal(await page.textContent('#learn-entry h2'), learn.terms.find((t) => t.id === 'decode').term);
  // The Catalog view's column heads, rendered later, get theirs too.
  await page.goto(`${base}?view=catalog`);
  await page.waitForSelector('#view-catalog abbr[data-term="vram"] + a.term-link, #view-catalog abbr[data-term="parameters"] + a.term-link');
  assert.deepEqual(errors, []);
});

test('max context per quant: the chart is the core\'s per-quant searches, the chosen quant in bold', async () => {
  const { page, errors } = await open(`${base}?view=run&model=qwen3-32b&quant=Q4_K_M&context=16384&hardware=rtx-3090&count=1`);
  await page.waitForSelector('#quant-chart .bars');
  const want = cli({ command: 'estimate', model: 'qwen3-32b', quant: 'Q4_K_M', context: 16384, hardware: 'rtx-3090', quant_contexts: true }).quant_contexts;
  const rows = await page.$$eval('#quant-chart .bar-label', (t) => t.map((x) => [x.textContent, x.classList.contains('chosen')]));
  assert.deepEqual(rows.map((r) => r[0]), want.map((q) => q.quant));
  assert.deepEqual(rows.filter((r) => r[1]).map((r) => r[0]), ['Q4_K_M']);
  const labels = await page.$$eval('#quant-chart .bar-value', (t) => t.map((x) => x.textContent));
  const q4 = want.find((q) => q.quant === 'Q4_K_M');
  assert.ok(labels.includes(`${q4.comfortable.toLocaleString('en-US')} / ${q4.fits.toLocaleString('en-US')}`), labels.join(' | '));
  assert.deepEqual(errors, []);
});

// A page whose browser reports the given WebGPU adapter (or none) and device memory.
const openWithAdapter = (url, info, deviceMemory) => openPage(ctx, url, [([i, mem]) => {
  Object.defineProperty(navigator, 'gpu', { configurable: true, value: i ? { requestAdapter: async () => ({ info: i }) } : undefined });
  Object.defineProperty(navigator, 'deviceMemory', { configurable: true, value: mem });
}, [info, deviceMemory]]);

test('detect: a mocked WebGPU adapter selects its card; an Apple GPU or none is said plainly', async () => {
  const url = `${base}?view=run&model=llama-3.1-8b&quant=Q4_K_M&context=8192&hardware=rtx-4090&count=1`;
  let { page, errors } = await openWithAdapter(url, { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3090' }, 8);
  await page.click('#detect-hardware');
  await page.waitForFunction(() => document.getElementById('hardware').value === 'rtx-3090');
  await page.waitForFunction(() => document.body.dataset.ready === '1' && document.getElementById('devices')?.textContent.includes('RTX 3090'));
  const said = cli({ command: 'detect', gpu: 'NVIDIA GeForce RTX 3090', vendor: 'nvidia', architecture: 'ampere', device_memory_gb: 8, platform: await page.evaluate(() => navigator.userAgentData?.platform || navigator.platform) }).said;
  assert.equal(await page.textContent('#detect-status'), `Detect: ${said.join('; ')}.`);
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await openWithAdapter(url, { vendor: 'apple', architecture: 'metal-3', description: '' }, 8));
  await page.click('#detect-hardware');
  await page.waitForSelector('#detect-status:not([hidden])');
  assert.match(await page.textContent('#detect-status'), /does not say which chip|does not expose/);
  assert.equal(await page.inputValue('#hardware'), 'rtx-4090');  // nothing guessed
  await page.close();
  ({ page, errors } = await openWithAdapter(url, null, undefined));
  await page.click('#detect-hardware');
  await page.waitForSelector('#detect-status:not([hidden])');
  assert.match(await page.textContent('#detect-status'), /does not expose its GPU/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('model search also matches the Hugging Face repo the catalog cites', async () => {
  const { page, errors } = await open(`${base}?view=run&model=llama-3.1-8b&quant=Q4_K_M&context=8192&hardware=rtx-4090&count=1`);
  await page.fill('#model-filter', 'deepseek-ai/');
  const visible = await page.$$eval('#model option', (o) => o.filter((x) => !x.hidden).map((x) => x.value));
  const models = cli({ command: 'catalog', list: 'models', brief: true }).models;
  const want = models.filter((m) => [m.hf_repo, ...m.aliases].join(' ').toLowerCase().includes('deepseek-ai/')).map((m) => m.id);
  assert.ok(want.length >= 3, want.join(','));
  assert.deepEqual(visible.sort(), want.sort());
  // An Ollama tag and a GGUF file stem find the weights they name.
  await page.fill('#model-filter', 'llama3.1:8b');
  assert.deepEqual(await page.$$eval('#model option', (o) => o.filter((x) => !x.hidden).map((x) => x.value)), ['llama-3.1-8b']);
  await page.fill('#model-filter', 'Meta-Llama-3.1-70B-Instruct');
  assert.ok((await page.$$eval('#model option', (o) => o.filter((x) => !x.hidden).map((x) => x.value))).includes('llama-3.1-70b'));
  assert.deepEqual(errors, []);
});

test('hardware search: every typed word must match the name, id or a printed name', async () => {
  const { page, errors } = await open(`${base}?view=run&model=llama-3.1-8b&quant=Q4_K_M&context=8192&hardware=rtx-4090&count=1`);
  await page.fill('#hardware-filter', 'm4 max');
  const visible = await page.$$eval('#hardware option', (o) => o.filter((x) => !x.hidden).map((x) => x.value));
  assert.ok(visible.length >= 2 && visible.every((v) => v.startsWith('apple-m4-max')), visible.join(','));
  assert.ok((await page.inputValue('#hardware')).startsWith('apple-m4-max'));
  await page.fill('#hardware-filter', '7900 xtx');
  assert.deepEqual(await page.$$eval('#hardware option', (o) => o.filter((x) => !x.hidden).map((x) => x.value)), ['rx-7900-xtx']);
  await page.fill('#hardware-filter', '3090');
  const v3090 = await page.$$eval('#hardware option', (o) => o.filter((x) => !x.hidden).map((x) => x.value));
  assert.deepEqual(v3090.sort(), ['rtx-3090', 'rtx-3090-ti']);
  // Names tools print: nvidia-smi's A100 names, ROCm's gfx target.
  await page.fill('#hardware-filter', 'a100-sxm4');
  assert.deepEqual((await page.$$eval('#hardware option', (o) => o.filter((x) => !x.hidden).map((x) => x.value))).sort(), ['a100-40gb-sxm', 'a100-80gb-sxm']);
  await page.fill('#hardware-filter', 'gfx1100');
  assert.deepEqual((await page.$$eval('#hardware option', (o) => o.filter((x) => !x.hidden).map((x) => x.value))).sort(),
    ['radeon-pro-w7800', 'radeon-pro-w7800-48gb', 'radeon-pro-w7900', 'rx-7900-gre', 'rx-7900-xt', 'rx-7900-xtx']);
  assert.deepEqual(errors, []);
});
