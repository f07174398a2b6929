// <run-check> — a one-tag "will it run?" box for any page:
//   <script type="module" src="https://HOST/widget.js"></script>
//   <run-check model="llama-3.1-8b" quant="Q4_K_M" hardware="rtx-4090" context="8192">Llama 3.1 8B on an RTX 4090</run-check>
// Attributes: model, quant, hardware, context, runtime, ram-gb, os, speculative (draft | mtp |
// eagle3 | ngram) with draft-model, draft-max, acceptance and task (chat | code | math |
// summarization: the published acceptance range for that text), show ("memory speed commands" or a
// subset), theme (light|dark|auto), compact. Renders in a shadow root; the wasm module loads
// once per page, relative to this script. The element's own text is the fallback without JS.
// A glossary entry instead: <run-check term="kv-cache">KV cache</run-check> shows its definition
// and its practical example, whose figures the engine computes (the same as runcheck's Learn).
import { request } from './js/engine.js';
import { gib, tps } from './js/format.js';

const CSS = `
:host { display: block; max-width: 34rem; margin: .6rem 0; }
:host([hidden]) { display: none; }
/* all: initial stops what the host page sets on <run-check> itself (colour, font) from being inherited. */
.card { all: initial; display: block; font: 15px/1.45 system-ui, "Liberation Sans", sans-serif; color: #1b1b1b;
  border: 1px solid #d8d8d4; border-radius: 8px; padding: .7rem .9rem; background: #fff; }
:host([theme="dark"]) .card { background: #1d1f22; color: #ececec; border-color: #34373c; }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) .card { background: #1d1f22; color: #ececec; border-color: #34373c; } }
.head { display: flex; justify-content: space-between; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
.title { font-weight: 600; }
.v { padding: .05rem .45rem; border-radius: 4px; color: #fff; font-size: .85rem; }
.comfortable { background: #1d7a36; } .tradeoffs { background: #a86200; } .will_not_run, .error { background: #a3141c; }
.row { margin: .25rem 0; font-variant-numeric: tabular-nums; }
.muted { opacity: .75; font-size: .85rem; }
.ev { font-size: .75rem; border: 1px solid currentColor; border-radius: 4px; padding: 0 .3rem; }
pre { font-family: ui-monospace, "Liberation Mono", monospace; white-space: pre-wrap; word-break: break-all; font-size: .8rem; margin: .3rem 0; padding: .4rem; border: 1px solid #d8d8d4; border-radius: 4px; }
a { color: #1f5fbf; }
.link { margin: .3rem 0 0; font-size: .85rem; }
/* On the dark card the light theme's link blue is 2.7:1; this one is above 4.5:1. */
:host([theme="dark"]) a { color: #8ab8ff; }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) a { color: #8ab8ff; } }
`;

const node = (tag, cls, text) => Object.assign(document.createElement(tag), cls ? { className: cls } : {}, text !== undefined ? { textContent: text } : {});

// The "open the full page" line: runcheck's page next to this script, with these URL parameters.
function pageLink(params, text) {
  const page = new URL('./', import.meta.url);
  page.search = new URLSearchParams(params).toString();
  const link = node('a', '', text);
  link.href = page.href;
  link.target = '_blank';
  link.rel = 'noopener';
  const row = node('div', 'link');
  row.append(link);
  return row;
}

class RunCheck extends HTMLElement {
  static get observedAttributes() {
    return ['model', 'quant', 'hardware', 'context', 'runtime', 'ram-gb', 'os', 'speculative', 'draft-model', 'draft-max', 'acceptance', 'task', 'show', 'compact', 'term'];
  }

  connectedCallback() {
    if (!this.shadowRoot) {
      this.attachShadow({ mode: 'open' });
      this.body = node('div', 'card');
      // A constructed stylesheet where the browser has them: a host page's strict CSP (style-src
      // without 'unsafe-inline') blocks a <style> element but not this.
      if ('adoptedStyleSheets' in ShadowRoot.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        this.shadowRoot.adoptedStyleSheets = [sheet];
        this.shadowRoot.append(this.body);
      } else {
        const style = document.createElement('style');
        style.textContent = CSS;
        this.shadowRoot.append(style, this.body);
      }
    }
    this.render();
  }

  attributeChangedCallback() { if (this.shadowRoot) this.render(); }

  // A glossary entry: the term, its one-line definition, the practical example with the engine's
  // figures, and a link to the full entry.
  async renderTerm(id) {
    const res = await request({ command: 'learn', term: id });
    const head = node('div', 'head');
    const out = [head];
    if (!res.ok) {
      head.append(node('span', 'title', 'runcheck'), node('span', 'v error', 'error'));
      out.push(node('div', 'row', `${res.error.field ? `${res.error.field}: ` : ''}${res.error.message}`));
      this.dataset.state = 'error';
    } else {
      head.append(node('span', 'title', res.term), node('span', 'muted', 'glossary'));
      out.push(node('div', 'row', res.short));
      if (res.example?.text) {
        const ex = node('div', 'row', res.example.text);
        ex.dataset.part = 'example';
        out.push(ex);
      }
      if (res.workflow?.command) out.push(node('pre', '', res.workflow.command));
      this.dataset.state = 'ok';
    }
    out.push(pageLink({ view: 'learn', term: id }, 'Read it in runcheck →'));
    this.body.replaceChildren(...out);
  }

  async render() {
    const a = (k, d) => this.getAttribute(k) ?? d;
    if (this.hasAttribute('term')) return this.renderTerm(a('term', ''));
    const req = { command: 'estimate', model: a('model', 'llama-3.1-8b'), quant: a('quant', 'Q4_K_M'), hardware: a('hardware', 'rtx-4090'),
      context: a('context', '8192'), runtime: a('runtime', 'llama.cpp'), inverse: false };
    if (this.hasAttribute('ram-gb')) req.ram_gb = a('ram-gb');
    if (this.hasAttribute('os')) req.os = a('os');
    // Speculative decoding: the same request fields as the page (the core checks them).
    for (const [attr, field] of [['speculative', 'speculative'], ['draft-model', 'draft_model'], ['draft-max', 'draft_max'], ['acceptance', 'acceptance'], ['task', 'task']])
      if (this.hasAttribute(attr)) req[field] = a(attr);
    const show = new Set(a('show', this.hasAttribute('compact') ? 'memory speed' : 'memory speed commands').split(/\s+/));
    const res = await request(req);
    const out = [];
    if (!res.ok) {
      out.push(node('div', 'head', ''), node('div', 'row', `${res.error.field ? `${res.error.field}: ` : ''}${res.error.message}`));
      out[0].append(node('span', 'title', 'runcheck'), node('span', 'v error', 'error'));
      this.dataset.state = 'error';
    } else {
      const head = node('div', 'head');
      head.append(node('span', 'title', `${res.model.name} · ${req.quant} · ${req.hardware}`),
        node('span', `v ${res.verdict}`, res.verdict.replaceAll('_', ' ')));
      out.push(head, node('div', 'muted', res.reasons[0] || ''));
      if (show.has('memory')) {
        const m = res.memory;
        out.push(node('div', 'row', `Memory: ${gib(m.total_bytes)} total — weights ${gib(m.weights_bytes)}, KV ${gib(m.kv_cache_bytes)} at ${req.context} tokens`));
      }
      if (show.has('speed') && res.speed.decode_tps !== null) {
        const r = node('div', 'row', `Decode ${tps(res.speed.decode_tps)} tok/s (${tps(res.speed.decode_tps_low)}–${tps(res.speed.decode_tps_high)}) `);
        r.append(node('span', 'ev', res.speed.evidence));
        r.dataset.tps = String(res.speed.decode_tps);
        out.push(r);
        const sp = res.speed.speculative;
        if (sp) {
          const s = node('div', 'row', `With ${sp.method}${sp.draft_model ? ` (${sp.draft_model})` : ''}: ${tps(sp.decode_tps)} tok/s (${tps(sp.decode_tps_low)}–${tps(sp.decode_tps_high)}), ${tps(sp.tokens_per_step)} tokens a step`);
          s.dataset.part = 'speculative';
          s.dataset.tps = String(sp.decode_tps);
          out.push(s);
        }
      }
      if (show.has('commands') && res.commands.llama_server) out.push(node('pre', '', res.commands.llama_server));
      this.dataset.state = 'ok';
      this.dataset.verdict = res.verdict;
    }
    // The link carries every input this box used, so the page opens on the same answer: the first
    // device as hardware × count, the others as the page's added GPUs, RAM and OS when given.
    const [first, ...others] = req.hardware.split(',').map((x) => x.trim()).filter(Boolean);
    const hw = /^(.*?)(?:x(\d+))?$/.exec(first || '');
    out.push(pageLink({ view: 'run', model: req.model, quant: req.quant, hardware: hw[1], count: hw[2] || '1',
      context: req.context, runtime: req.runtime, ...(others.length ? { more: others.join(';') } : {}),
      ...(req.ram_gb !== undefined ? { ram: req.ram_gb } : {}), ...(req.os ? { os: req.os } : {}),
      ...Object.fromEntries(['speculative', 'draft_model', 'draft_max', 'acceptance', 'task'].filter((k) => req[k] !== undefined).map((k) => [k, req[k]])) }, 'Open in runcheck →'));
    this.body.replaceChildren(...out);
  }
}

// Defining twice (two script tags, two copies) must not throw.
if (!customElements.get('run-check')) customElements.define('run-check', RunCheck);
