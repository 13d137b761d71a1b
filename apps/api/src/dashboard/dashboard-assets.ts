import fs from 'node:fs';
import path from 'node:path';

/**
 * The dashboard's static files: plain HTML, CSS and ES modules in `apps/web/`, plus TF.js for the
 * browser example, served from `node_modules`. The folder is found relative to this file, which
 * is `apps/api/src/dashboard/` under Vitest and `apps/api/dist/dashboard/` when built, so both
 * reach `apps/web/` the same way and nothing has to be copied at build time.
 *
 * Only files that exist at start-up with a known type are served: the URL never becomes a path.
 */
export const WEB_ROOT = path.resolve(__dirname, '../../../web');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Served under `/vendor/<name>`: browser builds of dependencies, never fetched from a CDN. TF.js's
 * ES2017 bundle, not `tf.min.js`: the ES5 one carries a regenerator polyfill that calls
 * `Function(...)`, which the pages' Content-Security-Policy (no 'unsafe-eval') refuses.
 */
const VENDOR_FILES: Record<string, () => string> = {
  'tf.es2017.min.js': () => path.join(path.dirname(require.resolve('@tensorflow/tfjs/package.json')), 'dist/tf.es2017.min.js'),
};

export interface StaticFile {
  absolutePath: string;
  contentType: string;
}

export class DashboardAssets {
  private readonly files = new Map<string, StaticFile>();

  /** @param root folder with `index.html`, `assets/` and `examples/` (default: `apps/web`). */
  constructor(readonly root: string = WEB_ROOT) {
    for (const folder of ['', 'assets', 'examples']) this.addFolder(folder);
    for (const [name, locate] of Object.entries(VENDOR_FILES)) {
      try {
        this.add(`vendor/${name}`, locate());
      } catch {
        // Not installed: the example page says so when the script fails to load.
      }
    }
  }

  /** The file for a URL path relative to the site root (`assets/app.js`), if there is one. */
  find(relativePath: string): StaticFile | undefined {
    return this.files.get(relativePath);
  }

  get available(): boolean {
    return this.files.has('index.html');
  }

  private addFolder(folder: string): void {
    const dir = path.join(this.root, folder);
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) this.add(folder ? `${folder}/${entry.name}` : entry.name, path.join(dir, entry.name));
    }
  }

  private add(relativePath: string, absolutePath: string): void {
    const contentType = CONTENT_TYPES[path.extname(absolutePath)];
    if (contentType && fs.existsSync(absolutePath)) this.files.set(relativePath, { absolutePath, contentType });
  }
}
