import { Injectable } from '@nestjs/common';
import { LoadedCheckpoint } from './embedding-model-cache';
import { HeldOutRocService } from './held-out-roc.service';
import { thresholdAtFar } from './roc-operating-points';
import { TrainingRunInput } from './run-checkpoints';

/** The distance below or at which two faces count as the same person. */
export interface DecisionThreshold {
  threshold: number;
  /**
   * `checkpoint`: the EER threshold stored with the checkpoint (its held-out evaluation);
   * `far`: chosen on the held-out ROC for the requested false-accept rate;
   * `held-out-eer`: the checkpoint stores none (not evaluated), so the EER point of its held-out ROC.
   */
  source: 'checkpoint' | 'far' | 'held-out-eer';
  /** With a target FAR: the held-out false-accept and true-accept rates at this threshold. */
  heldOut?: { far: number; tar: number };
}

@Injectable()
export class DecisionThresholds {
  constructor(private readonly rocs: HeldOutRocService) {}

  /**
   * The stored threshold, or with `far` the largest threshold whose held-out FAR ≤ far. The
   * run's input (dataset, held-out names) is read only when the held-out ROC must be measured.
   */
  async resolve(checkpoint: LoadedCheckpoint, runInput: () => Promise<TrainingRunInput | undefined>, far?: number): Promise<DecisionThreshold> {
    if (far === undefined && checkpoint.threshold !== null) return { threshold: checkpoint.threshold, source: 'checkpoint' };
    const roc = await this.rocs.get(checkpoint, runInput);
    if (far === undefined) return { threshold: roc.eerThreshold, source: 'held-out-eer' };
    const point = thresholdAtFar(roc.points, far);
    return { threshold: point.threshold, source: 'far', heldOut: { far: point.far, tar: point.tar } };
  }
}
