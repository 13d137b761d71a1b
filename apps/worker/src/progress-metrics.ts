import { MetricsRegistry } from '@facestyle/infra';

/** Progress events processors send through `job.updateProgress` (see each processor). */
type ProgressEvent =
  | { type: 'render-iteration'; iteration: number; iterations: number; seconds: number; losses: Record<'content' | 'style' | 'tv' | 'total', number> }
  | {
      type: 'training-step';
      step: number;
      steps: number;
      loss: number;
      activeTripletFraction?: number;
      positiveDistance?: number;
      negativeDistance?: number;
      embeddingSpread?: number;
      stepsPerSecond?: number;
    }
  | { type: 'training-evaluation'; rocAuc: number; eer: number }
  | { type: 'training-checkpoint'; step: number }
  | { type: 'training-collapse'; reason: string };

const COLLAPSE_REASONS = new Set(['collapse', 'nan', 'flat-loss']);

/**
 * Turns processor progress into Prometheus series. Per-job series carry the job id and are removed
 * by `forget` when the job ends, so label cardinality stays bounded by the jobs running now.
 */
export class ProgressMetrics {
  constructor(private readonly metrics: MetricsRegistry) {}

  record(queue: string, jobId: string, progress: unknown): void {
    if (typeof progress !== 'object' || progress === null || !('type' in progress)) return;
    const event = progress as ProgressEvent;
    const m = this.metrics;
    m.get('jobLastProgress').set({ queue, job_id: jobId }, Date.now() / 1000);
    // TF.js runs in the sandboxed child; it reports its tensor memory with each event.
    const memory = (progress as { memory?: { numTensors: number; numBytes: number } }).memory;
    if (memory) {
      m.get('tfTensors').set(memory.numTensors);
      m.get('tfBytes').set(memory.numBytes);
    }
    switch (event.type) {
      case 'render-iteration':
        if (event.iteration > 0) m.get('renderIterationSeconds').observe(event.seconds);
        m.get('renderProgress').set({ render_id: jobId }, event.iterations > 0 ? event.iteration / event.iterations : 0);
        for (const term of ['content', 'style', 'tv', 'total'] as const) m.get('renderLoss').set({ render_id: jobId, term }, event.losses[term]);
        break;
      case 'training-step':
        m.get('trainingLoss').set({ run_id: jobId }, event.loss);
        m.get('trainingStep').set({ run_id: jobId }, event.step);
        m.get('trainingStepsTotal').inc();
        if (event.activeTripletFraction !== undefined) m.get('trainingActiveTriplets').set({ run_id: jobId }, event.activeTripletFraction);
        if (event.positiveDistance !== undefined) m.get('trainingDistance').set({ run_id: jobId, pair: 'positive' }, event.positiveDistance);
        if (event.negativeDistance !== undefined) m.get('trainingDistance').set({ run_id: jobId, pair: 'negative' }, event.negativeDistance);
        if (event.embeddingSpread !== undefined) m.get('trainingEmbeddingSpread').set({ run_id: jobId }, event.embeddingSpread);
        if (event.stepsPerSecond !== undefined) m.get('trainingStepsPerSecond').set({ run_id: jobId }, event.stepsPerSecond);
        break;
      case 'training-evaluation':
        m.get('trainingEvalRocAuc').set({ run_id: jobId }, event.rocAuc);
        m.get('trainingEvalEer').set({ run_id: jobId }, event.eer);
        break;
      case 'training-checkpoint':
        m.get('trainingCheckpoints').inc();
        break;
      case 'training-collapse':
        m.get('trainingCollapses').inc({ reason: COLLAPSE_REASONS.has(event.reason) ? event.reason : 'collapse' });
        break;
    }
  }

  /** Removes the job's series (its history stays in Prometheus). */
  forget(queue: string, jobId: string): void {
    const m = this.metrics;
    m.get('jobLastProgress').remove({ queue, job_id: jobId });
    m.get('renderProgress').remove({ render_id: jobId });
    for (const term of ['content', 'style', 'tv', 'total']) m.get('renderLoss').remove({ render_id: jobId, term });
    for (const key of ['trainingLoss', 'trainingStep', 'trainingActiveTriplets', 'trainingEmbeddingSpread', 'trainingStepsPerSecond', 'trainingEvalRocAuc', 'trainingEvalEer'] as const) {
      m.get(key).remove({ run_id: jobId });
    }
    for (const pair of ['positive', 'negative']) m.get('trainingDistance').remove({ run_id: jobId, pair });
  }
}
