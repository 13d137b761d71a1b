import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Server-made resource ids: `<prefix>_<20 random base62 chars>`; never derived from user input. */
export function newResourceId(prefix: 'ds' | 'run' | 'rnd' | 'gal' | 'diag'): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}

export function isResourceId(value: string, prefix: string): boolean {
  return new RegExp(`^${prefix}_[A-Za-z0-9]{20}$`).test(value);
}
