// Formatting only: units and digits for display. No estimate is computed here.
const GIB = 1024 ** 3;

export const gib = (bytes) => `${(bytes / GIB).toFixed(2)} GiB`;
export const int = (n) => Number(n).toLocaleString('en-US');
// Share of a bar, as a CSS width. Display geometry only.
export const pct = (part, whole) => `${whole > 0 ? Math.min(100, (part / whole) * 100).toFixed(3) : 0}%`;
export const billions = (n) => `${(n / 1e9).toFixed(1)} B`;
// A parameter count at the scale it has: 292,800 -> "293 K", 1,500,000 -> "1.5 M", 8.03e9 -> "8.0 B".
export const paramCount = (n) => (n >= 1e9 ? billions(n) : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M`
  : n >= 1e3 ? `${Math.round(n / 1e3)} K` : `${Math.round(n)}`);
export const tps = (x) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
export const usd = (x) => (x === null || x === undefined ? '—' : `$${x >= 100 ? x.toFixed(0) : x.toFixed(2)}`);
export const num = (x, d = 1) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));
// How far a device's use exceeds its budget (the core's over_bytes), for the "over by" label.
export const overBy = (d) => gib(d.over_bytes);
