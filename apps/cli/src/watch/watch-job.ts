import { followEvents } from '../api/event-stream';
import type { CommandContext } from '../framework/command';
import { ExitCode } from '../framework/exit-codes';
import { writeLine } from '../framework/io';
import { printJsonLine } from '../ui/output';
import { ProgressDisplay, progressModeFor } from '../ui/progress-display';
import type { JobPresenter } from './job-presenter';
import { applyJobEvent, isTerminalStatus, JobState } from './job-state';

export interface WatchOptions {
  /** Print every event as one JSON line on stdout (`runs watch --json`). */
  ndjson: boolean;
}

/**
 * Follows a job to its end with a live progress display on stderr and returns its final state.
 * Ctrl-C stops watching, not the job: say so, since people often expect the opposite.
 */
export async function watchJob(ctx: CommandContext, presenter: JobPresenter, id: string, options: WatchOptions): Promise<JobState> {
  const display = new ProgressDisplay(ctx.io.stderr, progressModeFor(ctx.io.stderr, ctx.json));
  let state: JobState | undefined;
  const onInterrupt = () => {
    display.finish();
    writeLine(ctx.io.stderr, `stopped watching; ${presenter.noun} ${id} carries on ("facestyle ${presenter.group} cancel ${id}" stops it)`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    await followEvents({
      api: ctx.api,
      resource: `${presenter.collection}/${encodeURIComponent(id)}`,
      onEvent: (event) => {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return; // not ours to interpret; the next snapshot or update carries the state
        }
        if (options.ndjson) printJsonLine(ctx.io, { event: event.event, data });
        const next = applyJobEvent(state, event.event, data);
        if (!next) return;
        for (const line of presenter.notes(state, next)) display.note(line);
        state = next;
        display.update(presenter.progress(next));
      },
      finished: () => isTerminalStatus(state?.status),
    });
  } finally {
    display.finish();
    process.removeListener('SIGINT', onInterrupt);
  }
  return state as JobState;
}

/** 0 when the job completed; 1 when it failed or was cancelled. */
export function exitCodeForStatus(status: string): ExitCode {
  return status === 'completed' ? ExitCode.Ok : ExitCode.JobFailed;
}
