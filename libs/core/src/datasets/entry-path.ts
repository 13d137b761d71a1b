/**
 * Archive entry paths are hostile input: `../`, absolute paths, drive letters, NUL bytes and
 * backslashes are refused. Returns the path's segments, or a reason to reject it.
 */
export function splitEntryPath(raw: string): { segments: string[] } | { reason: string } {
  if (raw.includes('\0')) return { reason: 'path contains a NUL byte' };
  if (raw.includes('\\')) return { reason: 'path contains a backslash' };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return { reason: 'absolute path' };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return { reason: 'path escapes the archive (..)' };
  if (segments.length === 0) return { reason: 'empty path' };
  return { segments };
}

const IDENTITY_NAME = /^[^\0/\\]{1,128}$/;

/** Names that are operating-system litter rather than data. */
export function isSystemFile(segments: string[]): boolean {
  return segments.some((s) => s === '__MACOSX' || s.startsWith('._') || s === '.DS_Store' || s === 'Thumbs.db');
}

export function isValidIdentityName(name: string): boolean {
  return IDENTITY_NAME.test(name) && !name.startsWith('.');
}
