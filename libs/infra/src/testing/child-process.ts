import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a real process (API, worker, redis-server) for a test and captures its output. */
export function startProcess(command: string, args: string[], env: Record<string, string | undefined> = {}): RunningProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((l) => l());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            clearTimeout(timer);
            resolve();
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => reject(new Error(`process did not print ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-3000)}`)), timeoutMs);
        if (check()) return;
        listeners.push(() => void check());
        void exited.then((code) => {
          if (!pattern.test(output)) {
            clearTimeout(timer);
            reject(new Error(`process exited (${code}) before printing ${pattern}; output:\n${output.slice(-3000)}`));
          }
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A private redis-server on a free port, for tests that stop Redis (never the shared one). */
export async function startPrivateRedis(port?: number, extraArgs: string[] = []): Promise<RunningProcess & { port: number; url: string }> {
  const chosen = port ?? (await freePort());
  const proc = startProcess('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs]);
  await proc.waitFor(/Ready to accept connections/i, 10_000);
  return Object.assign(proc, { port: chosen, url: `redis://127.0.0.1:${chosen}` });
}
