import type { CommandSpec } from '../framework/command';
import { printJson, printTable } from '../ui/output';

/** States always shown, in the order a job passes through them. */
const MAIN_STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'];

export const queuesCommand: CommandSpec = {
  name: 'queues',
  summary: 'Job counts per queue and state',
  examples: ['facestyle queues', 'facestyle queues --json | jq .queues.render.waiting'],
  async run(ctx) {
    const body = await ctx.api.get<{ queues: Record<string, Record<string, number>> }>('/v1/queues');
    if (ctx.json) return printJson(ctx.io, body);
    // Rarer states (prioritized, paused, waiting-children) get a column only when some queue has such jobs.
    const nonZero = new Set(Object.values(body.queues).flatMap((counts) => Object.keys(counts).filter((s) => counts[s] > 0)));
    const states = [...MAIN_STATES, ...[...nonZero].filter((s) => !MAIN_STATES.includes(s))];
    printTable(
      ctx.io,
      ['queue', ...states],
      Object.entries(body.queues).map(([queue, counts]) => [queue, ...states.map((s) => String(counts[s] ?? 0))]),
    );
  },
};
