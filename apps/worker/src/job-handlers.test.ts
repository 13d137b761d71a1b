import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_KINDS } from '@facestyle/core';
import { assertHandlersComplete, JOB_HANDLERS } from './job-handlers';

describe('job handlers', () => {
  it('has exactly one handler per job kind, each with its own processor file', () => {
    expect(Object.keys(JOB_HANDLERS).sort()).toEqual([...JOB_KINDS].sort());
    const files = Object.values(JOB_HANDLERS).map((h) => h.processorFile);
    expect(new Set(files).size).toBe(files.length);
    for (const file of files) expect(fs.existsSync(path.join(__dirname, 'processors', `${file}.ts`)), file).toBe(true);
  });

  it('refuses to start when a processor module is missing', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-procs-'));
    expect(() => assertHandlersComplete(empty)).toThrow(/no processor for job kind/);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
