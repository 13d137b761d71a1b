// Makes sure a Redis answers at REDIS_URL (default redis://127.0.0.1:6379): when nothing listens
// on a local address and `redis-server` is on the PATH, starts one (no persistence, for tests and
// the demo). Exits non-zero with a clear message when neither is possible.
import { execFileSync, spawnSync } from 'node:child_process';
import net from 'node:net';

const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const host = url.hostname || '127.0.0.1';
const port = Number(url.port || 6379);

function answers() {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000);
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function ensureRedis({ quiet = false } = {}) {
  if (await answers()) return 'running';
  const local = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const hasServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;
  if (!local || !hasServer) {
    throw new Error(`no Redis answers at ${url.href} and ${local ? 'redis-server is not installed (apt-get install redis-server)' : 'it is not a local address'}`);
  }
  execFileSync('redis-server', ['--daemonize', 'yes', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: quiet ? 'ignore' : 'inherit' });
  for (let i = 0; i < 50; i++) {
    if (await answers()) {
      if (!quiet) console.log(`started redis-server on ${host}:${port}`);
      return 'started';
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`started redis-server but it does not answer on ${host}:${port}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureRedis().then(
    (state) => console.log(`redis: ${state}`),
    (err) => {
      console.error(`redis: ${err.message}`);
      process.exit(1);
    },
  );
}
