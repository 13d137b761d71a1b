import { formatDuration, formatNumber } from '../ui/format';
import type { JobPresenter } from './job-presenter';
import { statusNote } from './job-presenter';

export const renderPresenter: JobPresenter = {
  noun: 'render',
  collection: '/v1/renders',
  group: 'renders',
  progress(state) {
    if (state.status === 'queued') return { label: `queued: render ${state.id} waits for a worker` };
    const iteration = Number(state.iteration ?? 0);
    const iterations = Number(state.iterations ?? 0);
    const losses = state.losses as { total?: number } | null | undefined;
    const parts = [`iteration ${iteration}/${iterations}`, `loss ${formatNumber(losses?.total)}`];
    if (typeof state.etaSeconds === 'number') parts.push(`ETA ${formatDuration(state.etaSeconds)}`);
    return { fraction: iterations > 0 ? iteration / iterations : undefined, label: parts.join('  ') };
  },
  notes: (before, after) => statusNote('render', before, after),
};
