// Names for the user's own models. Every Hugging Face config is called config.json, and the core
// makes a model's id from the name it is given, so the name must tell two configs apart: the
// file's name unless it is just config.json, else the model's own name (_name_or_path), else its
// architecture) and a short hash of
// the config's text. The same config always gets the same name; pure, no DOM.

// FNV-1a, 32 bits, over UTF-16 code units: a short, stable fingerprint (not a security hash).
export function shortHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 6);
}

// fileName: the chosen file's name; cfg: the parsed config.json.
export function configName(fileName, cfg) {
  const own = typeof cfg?._name_or_path === 'string' ? cfg._name_or_path.split('/').filter(Boolean).pop() : '';
  const arch = Array.isArray(cfg?.architectures) && typeof cfg.architectures[0] === 'string' ? cfg.architectures[0] : '';
  const file = String(fileName || '').replace(/\.json$/i, '');
  const base = ((/^config(\s*\(\d+\)|-\d+)?$/i.test(file) ? '' : file) || own || arch || cfg?.model_type || 'model').toString()
    .replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'model';
  return `${base}-${shortHash(JSON.stringify(cfg))}`;
}
