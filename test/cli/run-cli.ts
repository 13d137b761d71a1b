/** Runs the built CLI (`apps/cli/dist/main.js`) as a child process, the way a user or script does. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CLI_MAIN = path.resolve(__dirname, '../../apps/cli/dist/main.js');

export function assertCliBuilt(): void {
  if (!fs.existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run "npx nx run @facestyle/cli:build" (or "npm run build") first`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** FACESTYLE_URL for the child; unset means the CLI's default. */
  url?: string;
  /** FACESTYLE_API_KEY for the child; never inherited from the test's environment. */
  apiKey?: string;
  cwd?: string;
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FACESTYLE_URL;
  delete env.FACESTYLE_API_KEY;
  if (options.url) env.FACESTYLE_URL = options.url;
  if (options.apiKey) env.FACESTYLE_API_KEY = options.apiKey;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`facestyle ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
