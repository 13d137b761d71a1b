/**
 * What a watcher knows about a job, rebuilt from its events. The API sends the whole view in
 * `snapshot` and `end`, and only the changed record fields in `update` (`status`, `progress`,
 * `error`…); progress fields have the same names as the view's (`step`, `loss`, `iteration`,
 * `losses`, `etaSeconds`…), so merging them keeps one flat state for display.
 */
export interface JobState {
  id: string;
  status: string;
  error?: string;
  cancelRequested?: boolean;
  [field: string]: unknown;
}

export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const;

export const isTerminalStatus = (status: string | undefined): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status ?? '');

export function applyJobEvent(state: JobState | undefined, event: string, data: unknown): JobState | undefined {
  const body = (data ?? {}) as Record<string, unknown>;
  switch (event) {
    case 'snapshot':
    case 'end':
      return { ...(body as JobState) };
    case 'update': {
      if (!state) return state;
      const next: JobState = { ...state };
      if (typeof body.status === 'string') next.status = body.status;
      if (body.error === null) delete next.error;
      else if (typeof body.error === 'string') next.error = body.error;
      for (const field of ['startedAt', 'finishedAt', 'attempts'] as const) if (body[field] !== undefined) next[field] = body[field];
      if (body.progress && typeof body.progress === 'object') Object.assign(next, body.progress);
      // The view shows an ETA only while running; a stale one after the end would mislead.
      if (isTerminalStatus(next.status)) next.etaSeconds = null;
      return next;
    }
    case 'cancel-requested':
      return state ? { ...state, cancelRequested: true } : state;
    default:
      return state;
  }
}
