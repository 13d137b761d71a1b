import type { Evaluation } from '../api/resources';
import { formatDuration, formatNumber } from '../ui/format';
import type { JobPresenter } from './job-presenter';
import { statusNote } from './job-presenter';
import type { JobState } from './job-state';

export function formatEvaluation(e: Evaluation): string {
  const tar = Object.entries(e.tarAtFar ?? {})
    .map(([far, value]) => `TAR@FAR=${far} ${formatNumber(value)}`)
    .join(', ');
  return `ROC AUC ${formatNumber(e.rocAuc)}, EER ${formatNumber(e.eer)}, accuracy ${formatNumber(e.accuracy)} at threshold ${formatNumber(e.threshold)}${tar ? `, ${tar}` : ''}`;
}

export const runPresenter: JobPresenter = {
  noun: 'training run',
  collection: '/v1/training-runs',
  group: 'runs',
  progress(state: JobState) {
    const step = Number(state.step ?? 0);
    const steps = Number(state.steps ?? 0);
    if (state.status === 'queued') return { label: `queued: training run ${state.id} waits for a worker` };
    const parts = [`step ${step}/${steps}`, `loss ${formatNumber(state.loss as number | null)}`];
    if (typeof state.etaSeconds === 'number') parts.push(`ETA ${formatDuration(state.etaSeconds)}`);
    const evaluation = state.evaluation as Evaluation | null | undefined;
    if (evaluation) parts.push(`AUC ${formatNumber(evaluation.rocAuc)}`);
    return { fraction: steps > 0 ? step / steps : undefined, label: parts.join('  ') };
  },
  notes(before, after) {
    const lines = statusNote('training run', before, after);
    const evaluation = after.evaluation as Evaluation | null | undefined;
    const previous = before?.evaluation as Evaluation | null | undefined;
    // An evaluation "lands" when its step changes (the snapshot may already carry one).
    if (evaluation && evaluation.step !== previous?.step) lines.push(`evaluation at step ${evaluation.step}: ${formatEvaluation(evaluation)}`);
    return lines;
  },
};
