// Small DOM helpers shared by the views. Text always goes in as text, never as HTML.
export const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
};

let uid = 0;
// A labelled row: <div class=row><label for=id>text</label>control</div>
export function row(labelText, control) {
  if (!control.id) control.id = `f${++uid}`;
  return el('div', { className: 'row' }, el('label', { htmlFor: control.id, textContent: labelText }), control);
}

export const select = (name, items, value) => {
  const s = el('select', { name });
  s.append(...items.map(([v, t]) => el('option', { value: v, textContent: t })));
  if (value !== null && value !== undefined && items.some(([v]) => String(v) === String(value))) s.value = value;
  return s;
};

export const number = (name, value, attrs = {}) => el('input', { name, type: 'number', value: value ?? '', ...attrs });

// Reads a form's named controls into an object of strings (checkboxes as "true"/"false").
export function values(form) {
  const out = {};
  for (const c of form.querySelectorAll('[name]')) out[c.name] = c.type === 'checkbox' ? String(c.checked) : c.value;
  return out;
}

// A glossary term (an id of catalog/glossary.json): the page titles it with the short definition
// and links it to its Learn entry (app.js), wherever a view puts it.
export function term(text, id) {
  const a = el('abbr', { textContent: text });
  a.dataset.term = id;
  return a;
}

// table(head: [text | [text, className, termId]], rows: [[cell...]]) where a cell is text, a
// Node, or {text, className}.
export function table(head, rows) {
  const th = head.map((h) => (Array.isArray(h) ? el('th', { className: h[1] || '' }, h[2] ? term(h[0], h[2]) : h[0]) : el('th', { textContent: h })));
  // data-label: on a phone each row becomes a card of "label  value" lines (style.css).
  const label = (i) => { const h = head[i]; return Array.isArray(h) ? h[0] : h ?? ''; };
  const body = rows.map((r) => el('tr', {}, ...r.map((c, i) => {
    let td;
    if (c instanceof Node) td = el('td', {}, c);
    else if (c && typeof c === 'object') td = el('td', { className: c.className || '', textContent: c.text ?? '—', title: c.title || '' });
    else td = el('td', { textContent: c ?? '—' });
    td.dataset.label = label(i);
    return td;
  })));
  return el('div', { className: 'scroll' }, el('table', { className: 'grid' }, el('thead', {}, el('tr', {}, ...th)), el('tbody', {}, ...body)));
}

export const errorText = (res) => `${res.error.field ? `${res.error.field}: ` : ''}${res.error.message}`;
