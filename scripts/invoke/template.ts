/**
 * Sample events name the ids `lanepay demo seed` made as `{{payments.held}}`: a sample stays a
 * plain JSON file, readable as the event AWS sends, and works against whichever merchant the last
 * seed created. Placeholders may stand inside longer strings (paths, JSON bodies).
 */
const placeholder = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Every placeholder name used in `value`, once each. */
export function placeholders(value: unknown): string[] {
  const names = new Set<string>();
  walk(value, (text) => {
    for (const match of text.matchAll(placeholder)) names.add(match[1]!);
    return text;
  });
  return [...names];
}

/** A copy of `value` with each placeholder replaced by `values[name]`; an unknown name is an error. */
export function fillTemplate<T>(value: T, values: Record<string, string>): T {
  return walk(value, (text) =>
    text.replace(placeholder, (_, name: string) => {
      const filled = values[name];
      if (filled === undefined) throw new TemplateError(`{{${name}}} has no value: known names are ${Object.keys(values).sort().join(', ')}.`);
      return filled;
    }),
  ) as T;
}

/** `{ payments: { held: 'pay_1' } }` → `{ 'payments.held': 'pay_1' }`. */
export function flatten(object: Record<string, unknown>, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') Object.assign(flat, flatten(value as Record<string, unknown>, name));
    else flat[name] = String(value);
  }
  return flat;
}

function walk(value: unknown, onString: (text: string) => string): unknown {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, onString));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, onString)]));
  }
  return value;
}
