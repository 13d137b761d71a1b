/**
 * Style-render benchmark: tubingen.jpg in the style of starry_night.jpg with the VGG19 block3
 * weights, at 256 and 512 px, using the default render options. Prints seconds per iteration and
 * the loss curve, and writes bench/results/style-render-<size>.png plus style-render.json.
 *
 *   npx vitest run --config bench/style/vitest.config.ts      (from the repository root)
 *
 * Knobs (optional): STYLE_BENCH_SIZES=256,512  STYLE_BENCH_ITERATIONS=300
 *   STYLE_BENCH_OPTIONS='{"styleWeight":10}' (merged into the render options)
 *   FACESTYLE_TF_BACKEND=wasm|cpu|tensorflow|auto (default auto; wasm kernels are used when present)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../libs/core/src/ml/style/image-io';
import { parseRenderOptions } from '../../libs/core/src/ml/style/render-options';
import { IterationReport, renderStyle } from '../../libs/core/src/ml/style/style-renderer';
import { readSharedFile, vggBlock3ReadFile } from '../../libs/core/src/ml/style/testing/shared-data';
import { initTestBackend } from '../../libs/core/src/ml/style/testing/test-backend';
import { loadVggModel } from '../../libs/core/src/ml/style/vgg-loader';

const RESULTS = path.resolve(__dirname, '..', 'results');
const SIZES = (process.env.STYLE_BENCH_SIZES ?? '256,512').split(',').map(Number);
const ITERATIONS = process.env.STYLE_BENCH_ITERATIONS ? Number(process.env.STYLE_BENCH_ITERATIONS) : undefined;
const EXTRA_OPTIONS = JSON.parse(process.env.STYLE_BENCH_OPTIONS ?? '{}') as Record<string, unknown>;

describe('style render benchmark', () => {
  it('renders tubingen × starry night', async () => {
    const backend = await initTestBackend();
    console.log(`backend: ${backend.name} via ${backend.provider}`);
    const vgg = await loadVggModel(vggBlock3ReadFile);
    const content = await decodeImage(await readSharedFile('images', 'content', 'tubingen.jpg'));
    const style = await decodeImage(await readSharedFile('images', 'style', 'starry_night.jpg'));
    await mkdir(RESULTS, { recursive: true });
    const summary: Record<string, unknown>[] = [];
    for (const size of SIZES) {
      const options = parseRenderOptions({ size, ...(ITERATIONS ? { iterations: ITERATIONS } : {}), ...EXTRA_OPTIONS });
      const reports: IterationReport[] = [];
      const started = Date.now();
      const result = await renderStyle(
        { vgg, content, styles: [style], options },
        {
          onIteration: (r) => {
            reports.push(r);
            if (r.iteration % 10 === 0 || r.iteration === r.iterations) {
              const l = r.losses;
              console.log(
                `${size}px it ${String(r.iteration).padStart(4)}  ${r.secondsPerIteration.toFixed(2)} s/it  ` +
                  `total ${l.total.toExponential(3)}  content ${l.content.toExponential(3)}  style ${l.style.toExponential(3)}  tv ${l.tv.toExponential(3)}`,
              );
            }
          },
        },
      );
      const steady = reports.slice(2).map((r) => r.secondsPerIteration);
      const secondsPerIteration = steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
      const file = path.join(RESULTS, `style-render-${size}.png`);
      await writeFile(file, result.png);
      console.log(`${size}px: ${result.shape[1]}×${result.shape[0]}, ${secondsPerIteration.toFixed(2)} s/iteration, ${((Date.now() - started) / 1000).toFixed(0)} s in all → ${file}`);
      summary.push({
        size,
        shape: result.shape,
        backend: `${backend.name} (${backend.provider})`,
        options,
        secondsPerIteration,
        lossHistory: result.lossHistory,
      });
      expect(result.lossHistory[result.lossHistory.length - 1].total).toBeLessThan(result.lossHistory[0].total);
    }
    await writeFile(path.join(RESULTS, 'style-render.json'), JSON.stringify(summary, null, 1));
    content.dispose();
    style.dispose();
  });
});
