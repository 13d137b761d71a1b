import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsRegistry } from '@facestyle/infra';

/** Serves the worker's Prometheus endpoint on `METRICS_PORT` (`/metrics`; `/` says what it is). */
export async function startMetricsServer(metrics: MetricsRegistry, port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.url === '/metrics') {
      metrics
        .text()
        .then((body) => {
          response.writeHead(200, { 'Content-Type': metrics.contentType });
          response.end(body);
        })
        .catch((err) => {
          response.writeHead(500);
          response.end(String(err));
        });
    } else {
      response.writeHead(request.url === '/' ? 200 : 404, { 'Content-Type': 'text/plain' });
      response.end('facestyle worker: metrics at /metrics\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

export function listeningPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
