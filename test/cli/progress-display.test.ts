import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressDisplay, progressModeFor } from '../../apps/cli/src/ui/progress-display';

function fakeStream(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    { isTTY, columns: 60 },
  );
  return { stream, text: () => text };
}

describe('progress display', () => {
  it('draws a bar on a terminal, notes above it, and leaves no bar behind', () => {
    const { stream, text } = fakeStream(true);
    let now = 0;
    const display = new ProgressDisplay(stream, progressModeFor(stream, false), () => now);
    display.update({ fraction: 0.5, label: 'step 5/10' });
    now += 50;
    display.update({ fraction: 0.6, label: 'step 6/10' }); // within 100 ms: deferred
    display.note('evaluation at step 6');
    now += 200;
    display.update({ fraction: 1, label: 'step 10/10' });
    display.finish();
    const screen = text();
    expect(screen).toContain('████████████░░░░░░░░░░░░  50%  step 5/10');
    expect(screen).toContain('\r\x1b[2Kevaluation at step 6\n');
    expect(screen).toContain('100%  step 10/10');
    expect(screen.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('prints plain lines when stderr is not a terminal, at most every tenth of the way', () => {
    const { stream, text } = fakeStream(false);
    let now = 0;
    const display = new ProgressDisplay(stream, progressModeFor(stream, false), () => now);
    for (let i = 0; i <= 100; i++) {
      now += 100;
      display.update({ fraction: i / 100, label: `uploading ${i}` });
    }
    const lines = text().trim().split('\n');
    expect(lines[0]).toBe('uploading 0 (0%)');
    expect(lines.at(-1)).toBe('uploading 100 (100%)');
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(text()).not.toContain('\r');
  });

  it('stays silent with --json when stderr is not a terminal', () => {
    const { stream, text } = fakeStream(false);
    const display = new ProgressDisplay(stream, progressModeFor(stream, true));
    display.update({ fraction: 0.5, label: 'x' });
    display.note('y');
    expect(text()).toBe('');
  });
});
