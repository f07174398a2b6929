// Formatting only: units and digits for display. No estimate is computed here.
const GIB = 1024 ** 3;

export const gib = (bytes) => `${(bytes / GIB).toFixed(2)} GiB`;
export const int = (n) => Number(n).toLocaleString('en-US');
// Share of a bar, as a CSS width. Display geometry only.
export const pct = (part, whole) => `${whole > 0 ? Math.min(100, (part / whole) * 100).toFixed(3) : 0}%`;
export const billions = (n) => `${(n / 1e9).toFixed(1)} B`;
export const tps = (x) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
export const usd = (x) => (x === null || x === undefined ? '—' : `$${x >= 100 ? x.toFixed(0) : x.toFixed(2)}`);
export const num = (x, d = 1) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));
// How far a device's use exceeds its budget, for the "over by" label (display only: the verdict
// and every byte count come from the core).
export const overBy = (d) => gib(d.used_bytes - d.budget_bytes);
