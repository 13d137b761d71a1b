/**
 * A minimal streaming tar writer (POSIX ustar, with a pax `path` record for names that do not fit
 * ustar's 100+155 bytes): regular files only, which is all a dataset upload needs. The archive is
 * produced chunk by chunk from each file's stream, so a folder of any size is never held in memory.
 *
 * Layout per entry: a 512-byte header, the file's bytes, zero padding to a multiple of 512;
 * the archive ends with two zero blocks.
 */

const BLOCK = 512;
/** ustar's 11 octal digits of size: 8 GiB − 1. */
const MAX_SIZE = 0o77777777777;

export interface TarEntry {
  /** Path inside the archive, `/`-separated, relative. */
  name: string;
  size: number;
  /** Modification time in seconds since the epoch. */
  mtime: number;
  /** Opens the file's bytes; called once, when the entry's turn comes. */
  open(): AsyncIterable<Uint8Array>;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** Bytes an entry takes in the archive (headers, data, padding): lets callers know the total up front. */
export function tarEntryBytes(entry: Pick<TarEntry, 'name' | 'size'>): number {
  const pax = paxRecord(entry.name);
  const paxBytes = pax ? BLOCK + pax.length + padding(pax.length) : 0;
  return paxBytes + BLOCK + entry.size + padding(entry.size);
}

/** Size of the whole archive for these entries, end blocks included. */
export function tarArchiveBytes(entries: Pick<TarEntry, 'name' | 'size'>[]): number {
  return entries.reduce((sum, e) => sum + tarEntryBytes(e), 2 * BLOCK);
}

export async function* tarChunks(entries: Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > MAX_SIZE) throw new Error(`${entry.name}: ${entry.size} bytes does not fit a tar entry`);
    const pax = paxRecord(entry.name);
    if (pax) {
      yield header({ name: paxPlaceholder(entry.name), size: pax.length, mtime: entry.mtime, type: 'x' });
      yield Buffer.concat([pax, Buffer.alloc(padding(pax.length))]);
    }
    yield header({ ...splitName(entry.name), size: entry.size, mtime: entry.mtime, type: '0' });
    let written = 0;
    for await (const chunk of entry.open()) {
      written += chunk.length;
      // The header already promised `size` bytes: a file that grew or shrank would corrupt every entry after it.
      if (written > entry.size) throw new Error(`${entry.name} changed size while being archived`);
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    if (written !== entry.size) throw new Error(`${entry.name} changed size while being archived`);
    if (padding(entry.size) > 0) yield Buffer.alloc(padding(entry.size));
  }
  yield Buffer.alloc(2 * BLOCK);
}

interface HeaderFields {
  name: string;
  prefix?: string;
  size: number;
  mtime: number;
  type: '0' | 'x';
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, Math.max(0, Math.floor(fields.mtime)));
  block.write(fields.type, 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  if (fields.prefix) block.write(fields.prefix, 345, 155, 'utf8');
  // The checksum is the byte sum of the header with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** Octal digits padded with zeros, then a NUL, filling `length` bytes. */
function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** ustar stores up to 100 bytes of name plus 155 of prefix, split at a `/`; `undefined` when it cannot. */
function ustarSplit(name: string): { name: string; prefix?: string } | undefined {
  if (byteLength(name) <= 100) return { name };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (byteLength(prefix) <= 155 && byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  return undefined;
}

function splitName(name: string): { name: string; prefix?: string } {
  // Names too long for ustar carry a pax record; the header then holds a stand-in.
  return ustarSplit(name) ?? { name: paxPlaceholder(name) };
}

function paxPlaceholder(name: string): string {
  const base = name.split('/').pop() ?? 'entry';
  return Buffer.from(base, 'utf8').subarray(0, 90).toString('latin1').replace(/[^\x20-\x7e]/g, '_');
}

/** A pax extended header holding `path`, when the name does not fit ustar. */
function paxRecord(name: string): Buffer | undefined {
  if (ustarSplit(name)) return undefined;
  // Each record is "<length> path=<value>\n", where <length> counts its own digits too.
  const body = ` path=${name}\n`;
  let length = byteLength(body) + 1;
  while (String(length).length + byteLength(body) !== length) length = String(length).length + byteLength(body);
  return Buffer.from(`${length}${body}`, 'utf8');
}
