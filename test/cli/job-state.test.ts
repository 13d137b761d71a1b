import { describe, expect, it } from 'vitest';
import { applyJobEvent, JobState } from '../../apps/cli/src/watch/job-state';
import { runPresenter } from '../../apps/cli/src/watch/run-presenter';
import { renderPresenter } from '../../apps/cli/src/watch/render-presenter';

const snapshot = { id: 'run_1', status: 'queued', step: 0, steps: 10, loss: null, etaSeconds: null, evaluation: null };

describe('job state from events', () => {
  it('starts from the snapshot, merges update patches (status, progress, error) and takes the end view whole', () => {
    let state = applyJobEvent(undefined, 'snapshot', snapshot);
    state = applyJobEvent(state, 'update', { type: 'update', status: 'running', startedAt: 't' });
    state = applyJobEvent(state, 'update', { type: 'update', progress: { step: 4, steps: 10, loss: 0.25, etaSeconds: 12 } });
    expect(state).toMatchObject({ status: 'running', step: 4, loss: 0.25, etaSeconds: 12, startedAt: 't' });
    state = applyJobEvent(state, 'history', { type: 'history', entries: [{ step: 4 }] });
    state = applyJobEvent(state, 'cancel-requested', { type: 'cancel-requested' });
    expect(state?.cancelRequested).toBe(true);
    state = applyJobEvent(state, 'update', { type: 'update', status: 'cancelled', error: 'cancelled by request' });
    expect(state).toMatchObject({ status: 'cancelled', error: 'cancelled by request', etaSeconds: null });
    expect(applyJobEvent(state, 'end', { ...snapshot, status: 'cancelled', step: 5 })).toEqual({ ...snapshot, status: 'cancelled', step: 5 });
  });

  it('ignores updates before any snapshot', () => {
    expect(applyJobEvent(undefined, 'update', { status: 'running' })).toBeUndefined();
  });
});

describe('presenters', () => {
  it('show a run’s step, loss, ETA and a line when an evaluation lands', () => {
    const before = { ...snapshot, status: 'running', step: 4, loss: 0.25 } as JobState;
    const evaluation = { step: 5, rocAuc: 0.9123, eer: 0.12, threshold: 0.8, accuracy: 0.88, tarAtFar: { '1e-3': 0.4 } };
    const after = { ...before, step: 5, etaSeconds: 75, evaluation } as JobState;
    expect(runPresenter.progress(after)).toEqual({ fraction: 0.5, label: 'step 5/10  loss 0.25  ETA 1:15  AUC 0.9123' });
    expect(runPresenter.notes(before, after)).toEqual(['evaluation at step 5: ROC AUC 0.9123, EER 0.12, accuracy 0.88 at threshold 0.8, TAR@FAR=1e-3 0.4']);
    expect(runPresenter.notes(after, { ...after, step: 6 } as JobState)).toEqual([]);
    expect(runPresenter.notes(after, { ...after, status: 'failed', error: 'collapsed' } as JobState)).toEqual(['training run run_1: failed: collapsed']);
  });

  it('show a render’s iteration, total loss and ETA', () => {
    const state = { id: 'rnd_1', status: 'running', iteration: 3, iterations: 12, losses: { total: 1.5e7 }, etaSeconds: 9 } as JobState;
    expect(renderPresenter.progress(state)).toEqual({ fraction: 0.25, label: 'iteration 3/12  loss 1.500e+7  ETA 0:09' });
  });
});
