import type { Io } from '../framework/io';
import { writeLine } from '../framework/io';

export function printJson(io: Io, value: unknown): void {
  writeLine(io.stdout, JSON.stringify(value, null, 2));
}

/** One JSON document per line (for streams of events that a script reads as they come). */
export function printJsonLine(io: Io, value: unknown): void {
  writeLine(io.stdout, JSON.stringify(value));
}

/** A kubectl-style table: upper-case headers, columns padded to their widest cell. */
export function printTable(io: Io, headers: string[], rows: string[][]): void {
  if (rows.length === 0) {
    writeLine(io.stdout, '(none)');
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd();
  writeLine(io.stdout, line(headers.map((h) => h.toUpperCase())));
  for (const row of rows) writeLine(io.stdout, line(row));
}

/** `label   value` lines, aligned; undefined values are left out. */
export function printFields(io: Io, fields: [string, string | number | undefined][]): void {
  const shown = fields.filter(([, v]) => v !== undefined) as [string, string | number][];
  const width = Math.max(0, ...shown.map(([l]) => l.length));
  for (const [label, value] of shown) writeLine(io.stdout, `${label.padEnd(width)}   ${value}`);
}
