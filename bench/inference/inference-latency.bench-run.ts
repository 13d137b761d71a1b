/** Verify and identify latency (p50/p99) with a gallery of 1,000 identities on this machine's CPU. */
import { it } from 'vitest';
import { writeBenchResult } from '../support/bench-results';
import { runInferenceBench } from './inference-latency';

it('inference latency', async () => {
  writeBenchResult('inference-latency', await runInferenceBench());
});
