import type { HealthReport } from '../api/resources';
import type { CommandSpec } from '../framework/command';
import { ExitCode } from '../framework/exit-codes';
import { writeLine } from '../framework/io';
import { printFields, printJson } from '../ui/output';

export const healthCommand: CommandSpec = {
  name: 'health',
  summary: 'Is the API up, and its Redis, storage and TF.js backend? (exit 3 when not)',
  examples: ['facestyle health', 'facestyle health --json'],
  async run(ctx) {
    // 503 carries the same report, naming what is down: show it rather than a bare error.
    const response = await ctx.api.request('GET', '/health', { allowStatus: [503] });
    const report = (await response.json()) as HealthReport;
    if (ctx.json) printJson(ctx.io, report);
    else {
      printFields(ctx.io, [
        ['api', `${ctx.api.baseUrl}: ${report.status}`],
        ['redis', withDetail(report.redis, report.details?.redis)],
        ['storage', withDetail(report.storage, report.details?.storage)],
        ['backend', withDetail(report.backend, report.details?.backend ?? report.backendName)],
      ]);
    }
    if (report.status === 'ok') return ExitCode.Ok;
    if (!ctx.json) writeLine(ctx.io.stderr, 'error: the API is up but degraded');
    return ExitCode.Unreachable;
  },
};

const withDetail = (state: string, detail?: string) => (detail ? `${state}: ${detail}` : state);
