import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, RunningProcess, startProcess } from './child-process';

export interface PrometheusServer {
  url: string;
  process: RunningProcess;
  /** `GET /api/v1/query_range` result matrix. */
  queryRange(query: string, startSeconds: number, endSeconds: number, stepSeconds?: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  query(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian's `prometheus` binary) on a free loopback port, scraping the given
 * targets every second, with its data in a temp folder removed on stop.
 */
export async function startPrometheus(targets: Record<string, string[]>, scrapeInterval = '1s'): Promise<PrometheusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-prometheus-'));
  const config = [
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  scrape_timeout: ${scrapeInterval}`,
    'scrape_configs:',
    ...Object.entries(targets).flatMap(([job, hosts]) => [`  - job_name: ${job}`, '    static_configs:', `      - targets: [${hosts.map((h) => `"${h}"`).join(', ')}]`]),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const proc = startProcess('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      /* not yet listening */
    }
    if (proc.child.exitCode !== null) throw new Error(`prometheus exited: ${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`prometheus not ready after 30 s: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const response = await fetch(`${url}${pathAndQuery}`);
    const body = (await response.json()) as { status: string; data: { result: T }; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus query failed: ${body.error}`);
    return body.data.result;
  };
  return {
    url,
    process: proc,
    queryRange: (query, start, end, step = 1) =>
      api(`/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${end}&step=${step}`),
    query: (query) => api(`/api/v1/query?query=${encodeURIComponent(query)}`),
    stop: async () => {
      await proc.stop('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
