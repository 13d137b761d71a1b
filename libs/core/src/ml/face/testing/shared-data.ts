/**
 * Where face tests and benchmarks find the AT&T faces: `FACESTYLE_SHARED_DIR`, else the
 * `shared` folder next to the repository root. Nothing from there is committed.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { FaceSample } from '../face-sample';
import { PreprocessingSpec, preprocessFaceImage } from '../face-preprocessing';

/** The repository root: the nearest ancestor holding both package.json and libs/. */
function repoRoot(): string {
  let dir = __dirname;
  while (!(existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'libs')))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export function sharedDir(): string {
  return path.resolve(process.env.FACESTYLE_SHARED_DIR || path.join(repoRoot(), '..', 'shared'));
}

export function attFacesDir(): string {
  return path.join(sharedDir(), 'datasets', 'att-faces');
}

/** Bytes of one AT&T image, e.g. `readAttFace(1, 1)` for s1/1.png. */
export async function readAttFace(subject: number, image: number): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path.join(attFacesDir(), `s${subject}`, `${image}.png`)));
}

/** Preprocessed AT&T faces of subjects `from..to` (inclusive), identity = folder name (`s7`). */
export async function loadAttFaces(spec: PreprocessingSpec, from = 1, to = 40): Promise<FaceSample[]> {
  const samples: FaceSample[] = [];
  for (let subject = from; subject <= to; subject++) {
    const folder = path.join(attFacesDir(), `s${subject}`);
    const files = (await readdir(folder)).filter((f) => /\.(png|pgm|jpe?g)$/i.test(f));
    files.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const file of files) {
      const bytes = new Uint8Array(await readFile(path.join(folder, file)));
      samples.push({ identity: `s${subject}`, pixels: await preprocessFaceImage(bytes, spec) });
    }
  }
  return samples;
}
