/**
 * Where tests find the shared images and VGG weights: `FACESTYLE_SHARED_DIR`, else the repo's
 * sibling `../shared`. Nothing from there is committed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../../../..');

/** Absolute path of the shared data folder. */
export function sharedDir(): string {
  return path.resolve(process.env.FACESTYLE_SHARED_DIR || path.join(REPO_ROOT, '..', 'shared'));
}

/** Absolute path of a file under the shared folder, e.g. `sharedPath('images', 'style', 'starry_night.jpg')`. */
export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts);
}

/** Reads a shared file's bytes. */
export async function readSharedFile(...parts: string[]): Promise<Uint8Array> {
  return new Uint8Array(await readFile(sharedPath(...parts)));
}

/** A `readFile` for the VGG loader that serves the truncated VGG19 (up to block3) from the shared folder. */
export function vggBlock3ReadFile(relativePath: string): Promise<Uint8Array> {
  return readSharedFile('models', 'vgg19-block3', relativePath);
}
