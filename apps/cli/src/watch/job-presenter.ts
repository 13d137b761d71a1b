import type { ProgressState } from '../ui/progress-display';
import type { JobState } from './job-state';

/** How one kind of job is shown while it is watched. */
export interface JobPresenter {
  /** `training run`, `render`: used in messages. */
  noun: string;
  /** `/v1/training-runs`. */
  collection: string;
  /** `runs`, `renders`: the CLI group, for hints such as `facestyle runs cancel <id>`. */
  group: string;
  progress(state: JobState): ProgressState;
  /** Lines worth keeping when the state changes from `before` to `after` (status, evaluations). */
  notes(before: JobState | undefined, after: JobState): string[];
}

/** The status line every job kind shares. */
export function statusNote(noun: string, before: JobState | undefined, after: JobState): string[] {
  const lines: string[] = [];
  if (before?.status !== after.status) {
    const attempt = typeof after.attempts === 'number' && after.attempts > 1 ? ` (attempt ${after.attempts})` : '';
    lines.push(`${noun} ${after.id}: ${after.status}${attempt}${after.error ? `: ${after.error}` : ''}`);
  }
  if (!before?.cancelRequested && after.cancelRequested && after.status === 'running') lines.push(`${noun} ${after.id}: cancel requested, stopping…`);
  return lines;
}
