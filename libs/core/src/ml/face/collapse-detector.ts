/**
 * Detects the failure modes of triplet training from recent step statistics:
 *  - a non-finite loss or statistic (diverged);
 *  - collapse: every embedding near one point, i.e. the mean distance to the batch
 *    centroid (1/B)·Σ‖eᵢ − ē‖ stays below `spreadFloor` for `window` steps;
 *  - a loss flat at its no-information value (m for the hinge, ln 2 = softplus(0) for the
 *    soft margin) while positives and negatives stay equally far apart: the loss sees
 *    d(a,p) ≈ d(a,n) everywhere, which is what the batch-hard collapse looks like.
 * Returns a sentence saying what happened and what to try, or null when training looks healthy.
 */

export interface StepHealth {
  step: number;
  loss: number;
  embeddingSpread: number;
  meanPositiveDistance: number;
  meanNegativeDistance: number;
}

export interface CollapseDetectorOptions {
  margin: number;
  softMargin: boolean;
  /** Consecutive steps a symptom must persist. */
  window: number;
  /** Spread below this counts as collapsed (unit-norm embeddings have spread ≤ 1). */
  spreadFloor: number;
  /** Relative distance of the loss to its no-information value that counts as "at" it. */
  lossTolerance: number;
  /** Mean negative − mean positive distance below this counts as "no separation". */
  separationFloor: number;
}

export const DEFAULT_COLLAPSE_DETECTOR: Omit<CollapseDetectorOptions, 'margin' | 'softMargin'> = {
  window: 50,
  spreadFloor: 0.02,
  lossTolerance: 0.02,
  separationFloor: 0.02,
};

const ADVICE = 'try semi-hard or batch-all mining (or a batch-all warm-up), the soft margin, a lower learning rate, or batch norm';

export function detectCollapse(history: readonly StepHealth[], options: CollapseDetectorOptions): string | null {
  const last = history[history.length - 1];
  if (!last) return null;
  const values = [last.loss, last.embeddingSpread, last.meanPositiveDistance, last.meanNegativeDistance];
  if (values.some((v) => !Number.isFinite(v))) {
    return `training diverged: the loss or embedding statistics became ${String(last.loss)} at step ${last.step}; lower the learning rate`;
  }
  if (history.length < options.window) return null;
  const recent = history.slice(-options.window);
  const firstStep = recent[0].step;
  if (recent.every((h) => h.embeddingSpread < options.spreadFloor)) {
    return (
      `embeddings collapsed to one point: their spread stayed below ${options.spreadFloor} from step ${firstStep} ` +
      `to ${last.step} (now ${last.embeddingSpread.toExponential(2)}); ${ADVICE}`
    );
  }
  const flatValue = options.softMargin ? Math.LN2 : options.margin;
  const stuck = recent.every(
    (h) =>
      Math.abs(h.loss - flatValue) <= options.lossTolerance * flatValue &&
      h.meanNegativeDistance - h.meanPositiveDistance < options.separationFloor,
  );
  if (stuck) {
    return (
      `training collapsed: the loss sat at ${flatValue.toFixed(3)} (${options.softMargin ? 'softplus(0)' : 'the margin'}) ` +
      `with positives and negatives equally far apart from step ${firstStep} to ${last.step}; ${ADVICE}`
    );
  }
  return null;
}
