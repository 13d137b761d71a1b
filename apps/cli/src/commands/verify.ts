import { appendFile } from '../api/file-part';
import type { CommandSpec } from '../framework/command';
import { numberFlag, stringFlag } from '../framework/flags';
import { writeLine } from '../framework/io';
import { formatNumber } from '../ui/format';
import { printJson } from '../ui/output';

interface Verification {
  match: boolean;
  distance: number;
  threshold: number;
}

/** 1:1 verification (DESIGN.md "Inference with a trained run"): is B the same person as A? */
export const verifyCommand: CommandSpec = {
  name: 'verify',
  args: '<runId> <imageA> <imageB>',
  summary: 'Are two face images the same person? (1:1 verification with a trained run)',
  description:
    "Embeds both images with a training run's checkpoint and compares their distance with the threshold\n" +
    'chosen on held-out identities. Exit code 0 either way; the answer is in the output ("match" in --json).',
  options: {
    step: { type: 'string', value: 'n', description: 'checkpoint step (default: the one the API picks, the best)' },
    far: { type: 'string', value: 'rate', description: 'use the threshold for this false-accept rate, e.g. 1e-3' },
  },
  examples: ['facestyle verify run_0123456789abcdefghij alice-1.jpg alice-2.jpg', 'facestyle verify run_0123456789abcdefghij a.png b.png --far 1e-3 --json'],
  async run(ctx) {
    const [runId, imageA, imageB] = ctx.args;
    const form = new FormData();
    await appendFile(form, 'imageA', imageA, '<imageA>');
    await appendFile(form, 'imageB', imageB, '<imageB>');
    const result = await ctx.api.json<Verification>('POST', `/v1/training-runs/${encodeURIComponent(runId)}/verify`, {
      body: form,
      query: { step: stringFlag(ctx.flags, 'step'), far: numberFlag(ctx.flags, 'far') },
    });
    if (ctx.json) return printJson(ctx.io, result);
    const relation = result.match ? '≤' : '>';
    writeLine(ctx.io.stdout, `${result.match ? 'match' : 'no match'}: distance ${formatNumber(result.distance)} ${relation} threshold ${formatNumber(result.threshold)}`);
  },
};
