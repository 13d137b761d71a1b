import fs from 'node:fs';
import path from 'node:path';

export interface FolderFile {
  /** `/`-separated path relative to the folder: `<identity>/<image>`. */
  archivePath: string;
  filePath: string;
  size: number;
  mtimeSeconds: number;
}

export interface FolderListing {
  files: FolderFile[];
  /** Paths left out, with why (shown to the user as warnings). */
  skipped: { path: string; reason: string }[];
}

/** Operating-system litter the API would ignore anyway: not worth uploading. */
const LITTER = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini', '__MACOSX']);

/**
 * Lists the files of a dataset folder (`<identity>/<image>`), sorted so the archive is the same
 * for the same folder. Only metadata is read here; contents are streamed later. Whether a file is
 * an image, and whether the layout is right, is for the API to judge: it checks every file by
 * content and reports what it rejects and why.
 */
export function listDatasetFolder(root: string): FolderListing {
  const files: FolderFile[] = [];
  const skipped: FolderListing['skipped'] = [];
  const walk = (dir: string, relative: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = [...relative, entry.name];
      const shown = rel.join('/');
      if (LITTER.has(entry.name) || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full, rel);
        continue;
      }
      let stat: fs.Stats;
      try {
        stat = fs.statSync(full); // follows a symlink to the file it names
      } catch (err) {
        skipped.push({ path: shown, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
      // A symlinked folder could loop back on itself: its files are not followed.
      if (!stat.isFile()) {
        skipped.push({ path: shown, reason: entry.isSymbolicLink() ? 'symbolic link to a folder' : 'not a regular file' });
        continue;
      }
      files.push({ archivePath: shown, filePath: full, size: stat.size, mtimeSeconds: Math.floor(stat.mtimeMs / 1000) });
    }
  };
  walk(root, []);
  files.sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));
  return { files, skipped };
}
