import { UsageError } from './exit-codes';

/** Flag values as `util.parseArgs` returns them. */
export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  if (Array.isArray(value)) return value.length > 0 ? String(value[value.length - 1]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function requiredStringFlag(flags: Flags, name: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function booleanFlag(flags: Flags, name: string): boolean {
  return flags[name] === true;
}

export function listFlag(flags: Flags, name: string): string[] {
  const value = flags[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * A number flag. Only the syntax is checked here: ranges and integer-ness are the API's to judge,
 * so its message (which names the field) is the one the user sees.
 */
export function numberFlag(flags: Flags, name: string): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name}: "${raw}" is not a number`);
  return value;
}
