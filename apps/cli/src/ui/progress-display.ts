export type ProgressMode = 'bar' | 'lines' | 'off';

type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Bar on a terminal; plain lines otherwise (CI logs, pipes), because carriage returns
 * turn a log file into one unreadable line. With `--json` and no terminal: nothing, so a
 * script that captures both streams gets only its JSON and errors.
 */
export function progressModeFor(stream: ProgressStream, json: boolean): ProgressMode {
  if (stream.isTTY) return 'bar';
  return json ? 'off' : 'lines';
}

/** A fraction in [0, 1] and the text beside it, or no fraction while the total is unknown. */
export interface ProgressState {
  fraction?: number;
  label: string;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;
/** Plain-line mode prints at every tenth of the way (but not more often than this, except the end)… */
const LINE_MIN_MS = 2_000;
/** …and this often while the fraction stalls but the text changes (queued, checking). */
const LINE_EVERY_MS = 15_000;

export class ProgressDisplay {
  private drawn = false;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastLineDecile = -1;
  private lastLineAt = 0;
  private lastLabel = '';
  private pending: ProgressState | undefined;
  private redrawTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: ProgressStream,
    readonly mode: ProgressMode,
    private readonly now: () => number = Date.now,
  ) {}

  update(state: ProgressState): void {
    if (this.mode === 'off') return;
    if (this.mode === 'lines') return this.updateLine(state);
    this.pending = state;
    // Redraw at most ten times a second (a fast upload calls this thousands of times); a skipped
    // state is drawn shortly after, so a slow job never shows a stale bar until its next event.
    const wait = REDRAW_MS - (this.now() - this.lastDraw);
    if (wait <= 0 || state.fraction === 1) this.draw();
    else if (!this.redrawTimer) {
      this.redrawTimer = setTimeout(() => this.draw(), wait);
      this.redrawTimer.unref();
    }
  }

  /** A line that stays (a status change, an evaluation): printed above the bar. */
  note(line: string): void {
    if (this.mode === 'off') return;
    this.clear();
    this.stream.write(`${line}\n`);
    if (this.mode === 'bar' && this.pending) this.draw();
  }

  /** Removes the bar, leaving the terminal where it was before the first draw. */
  finish(): void {
    this.clear();
    this.pending = undefined;
    clearTimeout(this.redrawTimer);
    this.redrawTimer = undefined;
  }

  private clear(): void {
    if (this.mode === 'bar' && this.drawn) {
      this.stream.write('\r\x1b[2K');
      this.drawn = false;
    }
  }

  private draw(): void {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = undefined;
    if (!this.pending) return;
    const { fraction, label } = this.pending;
    const width = Math.max(20, (this.stream.columns || 80) - 1); // 0 when the size is unknown
    let text: string;
    if (fraction === undefined) {
      text = label;
    } else {
      const clamped = Math.min(1, Math.max(0, fraction));
      const filled = Math.round(clamped * BAR_WIDTH);
      const percent = `${Math.floor(clamped * 100)}%`.padStart(4);
      text = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${percent}  ${label}`;
    }
    this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.drawn = true;
    this.lastDraw = this.now();
  }

  private updateLine(state: ProgressState): void {
    const decile = state.fraction === undefined ? -1 : Math.floor(Math.min(1, Math.max(0, state.fraction)) * 10);
    const now = this.now();
    const stepped = decile > this.lastLineDecile && (now - this.lastLineAt >= LINE_MIN_MS || decile === 10);
    const stale = now - this.lastLineAt >= LINE_EVERY_MS && state.label !== this.lastLabel;
    if (!stepped && !stale && this.lastLineAt !== 0) return;
    this.lastLineDecile = Math.max(this.lastLineDecile, decile);
    this.lastLineAt = now;
    this.lastLabel = state.label;
    const percent = state.fraction === undefined ? '' : ` (${Math.floor(Math.min(1, state.fraction) * 100)}%)`;
    this.stream.write(`${state.label}${percent}\n`);
  }
}
