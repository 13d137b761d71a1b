import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../apps/cli/src/api/api-client';
import { followEvents } from '../../apps/cli/src/api/event-stream';
import { CliError } from '../../apps/cli/src/framework/exit-codes';
import { applyJobEvent, isTerminalStatus, JobState } from '../../apps/cli/src/watch/job-state';

/** An SSE endpoint that drops the first connection mid-job, as a restarting API or proxy would. */
let connections = 0;
const server = http.createServer((request, response) => {
  if (!request.url?.startsWith('/v1/renders/rnd_1/events')) {
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'render rnd_2 not found' }));
    return;
  }
  connections++;
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  if (connections === 1) {
    send('snapshot', { id: 'rnd_1', status: 'running', iteration: 1, iterations: 3 });
    response.end(); // dropped before the job ended
    return;
  }
  send('snapshot', { id: 'rnd_1', status: 'running', iteration: 2, iterations: 3 });
  response.write(': keep-alive\n\n');
  send('update', { type: 'update', progress: { iteration: 3, iterations: 3 } });
  send('update', { type: 'update', status: 'completed' });
  send('end', { id: 'rnd_1', status: 'completed', iteration: 3, iterations: 3 });
  response.end();
});
let api: ApiClient;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = new ApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, userAgent: 'test' });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('following a job’s events', () => {
  it('reopens a stream that closes before the job ends, and stops at the end', async () => {
    let state: JobState | undefined;
    const seen: string[] = [];
    await followEvents({
      api,
      resource: '/v1/renders/rnd_1',
      onEvent: (event) => {
        seen.push(event.event);
        state = applyJobEvent(state, event.event, JSON.parse(event.data));
      },
      finished: () => isTerminalStatus(state?.status),
      sleep: async () => undefined,
    });
    expect(connections).toBe(2);
    expect(seen).toEqual(['snapshot', 'snapshot', 'update', 'update', 'end']);
    expect(state).toEqual({ id: 'rnd_1', status: 'completed', iteration: 3, iterations: 3 });
  });

  it('does not retry what retrying cannot fix: a 404 is exit code 5 with the API’s message', async () => {
    const attempt = followEvents({ api, resource: '/v1/renders/rnd_2', onEvent: () => undefined, finished: () => false, sleep: async () => undefined });
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toMatchObject({ exitCode: 5, message: 'render rnd_2 not found' });
  });
});
