// SVG line chart. Geometry only: it places the values it is given; every label is a value from
// the data (or its unit), never a number computed here.
const NS = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs = {}, text) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

// series: [{name, color, points: [[x, y, xLabel, yLabel]], dashed, band: [[x, low, high, highLabel]]}],
// marker: {x, label}. A band is drawn as a shaded area behind its line.
export function lineChart(figure, { series, xTitle, yTitle, caption, marker }) {
  const W = 560, H = 220, L = 56, R = 12, T = 12, B = 40;
  const pts = series.flatMap((s) => s.points);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': caption || yTitle });
  if (!pts.length) { figure.replaceChildren(); return; }
  const bands = series.flatMap((s) => s.band || []);
  const xs = pts.map((p) => p[0]), ys = [...pts.map((p) => p[1]), ...bands.map((b) => b[2])];
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(...ys);
  const px = (x) => L + (x1 > x0 ? ((x - x0) / (x1 - x0)) * (W - L - R) : 0);
  const py = (y) => T + (1 - (y1 > 0 ? y / y1 : 0)) * (H - T - B);
  svg.append(svgEl('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }), svgEl('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  // Axis labels: the extreme data values themselves, as the data formats them.
  const xmin = pts.find((p) => p[0] === x0), xmax = pts.find((p) => p[0] === x1);
  const ymax = pts.find((p) => p[1] === y1)?.[3] ?? bands.find((b) => b[2] === y1)[3];
  svg.append(svgEl('text', { x: L, y: H - B + 14, 'text-anchor': 'start' }, xmin[2]), svgEl('text', { x: W - R, y: H - B + 14, 'text-anchor': 'end' }, xmax[2]));
  svg.append(svgEl('text', { x: L - 4, y: T + 4, 'text-anchor': 'end' }, ymax), svgEl('text', { x: L - 4, y: H - B, 'text-anchor': 'end' }, '0'));
  svg.append(svgEl('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, xTitle));
  svg.append(svgEl('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(T + H - B) / 2})` }, yTitle));
  series.forEach((s, i) => {
    if (!s.points.length) return;
    if (s.band?.length) {
      const upper = s.band.map((b) => `${px(b[0])},${py(b[2])}`), lower = s.band.map((b) => `${px(b[0])},${py(b[1])}`).reverse();
      svg.append(svgEl('polygon', { points: [...upper, ...lower].join(' '), fill: s.color, 'fill-opacity': 0.18, stroke: 'none', class: 'band' }));
    }
    svg.append(svgEl('polyline', { points: s.points.map((p) => `${px(p[0])},${py(p[1])}`).join(' '), fill: 'none',
      stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '5 4' : 'none' }));
    for (const p of s.points) {
      const c = svgEl('circle', { cx: px(p[0]), cy: py(p[1]), r: 2.5, fill: s.color, class: 'pt', 'data-x': p[0], 'data-y': p[1] });
      c.append(svgEl('title', {}, `${p[2]}: ${p[3]}`));
      svg.append(c);
    }
    svg.append(svgEl('text', { x: W - R - 4, y: T + 12 + i * 13, 'text-anchor': 'end', fill: s.color }, s.name));
  });
  if (marker) {
    svg.append(svgEl('line', { x1: px(marker.x), y1: T, x2: px(marker.x), y2: H - B, stroke: 'currentColor', 'stroke-dasharray': '2 3' }));
    svg.append(svgEl('text', { x: px(marker.x) + 4, y: T + 10 }, marker.label));
  }
  figure.replaceChildren(svg, ...(caption ? [Object.assign(document.createElement('figcaption'), { textContent: caption })] : []));
}

// Horizontal bar chart, one row per item: an outer bar (value) and, inside it, an inner bar
// (inner, e.g. the part that fits comfortably). rows: [{label, value, inner, valueLabel,
// highlight}]; values may be null (no bar, the label says why). HTML rows, so the text stays
// readable at any width. Geometry only: every label is given by the caller.
export function barChart(figure, { rows, caption }) {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  const pct = (v) => `${max > 0 ? ((v ?? 0) / max) * 100 : 0}%`;
  const div = (cls, text) => Object.assign(document.createElement('div'), { className: cls, ...(text !== undefined ? { textContent: text } : {}) });
  const list = div('bars');
  list.setAttribute('role', 'img');
  list.setAttribute('aria-label', caption);
  for (const r of rows) {
    const track = div('bar-track');
    const outer = div('bar-outer');
    outer.style.width = pct(r.value);
    const inner = div('bar-inner');
    inner.style.width = pct(r.inner);
    track.append(outer, inner);
    const label = div(r.highlight ? 'bar-label chosen' : 'bar-label', r.label);
    list.append(label, track, div('bar-value', r.valueLabel));
  }
  figure.replaceChildren(list, caption ? Object.assign(document.createElement('figcaption'), { textContent: caption }) : '');
}
