import fs from 'node:fs';
import path from 'node:path';
import { JOB_KINDS, JobKind } from '@facestyle/core';
import type { ResourceKind } from '@facestyle/infra';

export interface JobHandler {
  /** Processor module, run sandboxed in a child process so TF.js compute never stalls lock renewal. */
  processorFile: string;
  /** Record kind the job's lifecycle is written to. */
  resourceKind: ResourceKind;
}

/**
 * Exactly one handler per job kind: the `Record<JobKind, …>` type makes a missing kind a compile
 * error, and `assertHandlersComplete` refuses to start when a processor file is missing.
 */
export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  'diagnostics-echo': { processorFile: 'diagnostics-echo.processor', resourceKind: 'diagnostics' },
  'render-style': { processorFile: 'render-style.processor', resourceKind: 'render' },
  'training-run': { processorFile: 'training-run.processor', resourceKind: 'training-run' },
};

/** Absolute path of the compiled processor module of `kind`. */
export function processorPath(kind: JobKind, processorsDir = path.join(__dirname, 'processors')): string {
  return path.join(processorsDir, `${JOB_HANDLERS[kind].processorFile}.js`);
}

export function assertHandlersComplete(processorsDir?: string): void {
  const kinds = Object.keys(JOB_HANDLERS);
  const missing = JOB_KINDS.filter((kind) => !kinds.includes(kind));
  const unknown = kinds.filter((kind) => !(JOB_KINDS as readonly string[]).includes(kind));
  if (missing.length || unknown.length) {
    throw new Error(`job handlers do not match the contract (missing: ${missing.join(', ') || '-'}; unknown: ${unknown.join(', ') || '-'})`);
  }
  const files = JOB_KINDS.map((kind) => JOB_HANDLERS[kind].processorFile);
  const duplicated = files.filter((file, i) => files.indexOf(file) !== i);
  if (duplicated.length) throw new Error(`one processor serves several job kinds: ${duplicated.join(', ')}`);
  for (const kind of JOB_KINDS) {
    const file = processorPath(kind, processorsDir);
    if (!fs.existsSync(file)) throw new Error(`no processor for job kind ${kind}: ${file} does not exist`);
  }
}
