import type { EvaluationRecord } from '@facestyle/core';

/** The evaluation as the API reports it: verification metrics at one step, threshold included. */
export function trainingEvaluationSummary(record: EvaluationRecord) {
  const m = record.metrics;
  return {
    step: record.step,
    rocAuc: m.rocAuc,
    eer: m.eer,
    threshold: m.threshold,
    accuracy: m.accuracy,
    tarAtFar: m.tarAtFar,
  };
}
