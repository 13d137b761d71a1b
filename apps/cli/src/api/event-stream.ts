import { CliError, ExitCode } from '../framework/exit-codes';
import type { ApiClient } from './api-client';
import { SseEvent, SseParser } from './sse-parser';

export interface FollowOptions {
  api: ApiClient;
  /** The resource path; `/events` is appended. */
  resource: string;
  onEvent(event: SseEvent): void;
  /**
   * True once the caller has seen the job end. The API closes the stream after the job ends
   * (after its `end` event); a stream that closes before that is reopened.
   */
  finished(): boolean;
  /** Reconnection attempts in a row without a snapshot before giving up. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Follows a job's Server-Sent Events until it ends. The API starts every stream with a full
 * `snapshot`, so a dropped connection (API restart, proxy timeout) is simply reopened and
 * nothing is missed; only when the API stays away does this give up, with exit code 3.
 */
export async function followEvents(options: FollowOptions): Promise<void> {
  const { api, resource, onEvent, finished } = options;
  const maxRetries = options.maxRetries ?? 10;
  const sleep = options.sleep ?? defaultSleep;
  let failures = 0;
  for (;;) {
    let sawSnapshot = false;
    try {
      const response = await api.request('GET', `${resource}/events`, { headers: { accept: 'text/event-stream' } });
      if (!response.body) throw new Error('the events response has no body');
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (event.event === 'snapshot') sawSnapshot = true;
          onEvent(event);
        }
      }
    } catch (err) {
      // 401/404/4xx will not get better by retrying; a lost connection might.
      if (err instanceof CliError && err.exitCode !== ExitCode.Unreachable) throw err;
      if (failures + 1 >= maxRetries) throw err instanceof CliError ? err : new CliError(`lost the event stream: ${(err as Error).message}`, ExitCode.Unreachable);
    }
    if (finished()) return;
    failures = sawSnapshot ? 0 : failures + 1;
    if (failures >= maxRetries) throw new CliError(`the event stream of ${resource} keeps closing before the job ends`, ExitCode.Unreachable);
    await sleep(Math.min(5_000, 500 * 2 ** failures));
  }
}
