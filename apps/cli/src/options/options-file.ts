import fs from 'node:fs';
import { UsageError } from '../framework/exit-codes';

/**
 * Reads a JSON or YAML options file (`-f run.yaml`) into an object. YAML is loaded only when
 * needed, so commands that never see one start without it.
 */
export function readOptionsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read options file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    if (/\.ya?ml$/i.test(file)) {
      const yaml = require('yaml') as typeof import('yaml');
      value = yaml.parse(text);
    } else {
      value = JSON.parse(text);
    }
  } catch (err) {
    throw new UsageError(`options file ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`options file ${file} must hold an object of options`);
  return value as Record<string, unknown>;
}

/** Sets `value` at a dotted path (`loss.margin`), creating objects on the way; undefined leaves it alone. */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  if (value === undefined) return;
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
