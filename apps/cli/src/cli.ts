import fs from 'node:fs';
import path from 'node:path';
import { datasetsGroup } from './commands/datasets';
import { galleryGroup } from './commands/gallery';
import { healthCommand } from './commands/health';
import { queuesCommand } from './commands/queues';
import { rendersGroup } from './commands/renders';
import { runsGroup } from './commands/runs';
import { verifyCommand } from './commands/verify';
import type { CliDefinition } from './framework/dispatch';

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Every command, in the order `facestyle --help` lists them. */
export const FACESTYLE_CLI: CliDefinition = {
  specs: [datasetsGroup, runsGroup, verifyCommand, galleryGroup, rendersGroup, queuesCommand, healthCommand],
  version: packageVersion(),
};
