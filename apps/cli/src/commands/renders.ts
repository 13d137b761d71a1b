import { appendFile } from '../api/file-part';
import type { RenderView, Submitted } from '../api/resources';
import type { CommandContext, CommandSpec, GroupSpec } from '../framework/command';
import { ExitCode, UsageError } from '../framework/exit-codes';
import { booleanFlag, listFlag, numberFlag, requiredStringFlag, stringFlag } from '../framework/flags';
import { writeLine } from '../framework/io';
import { RENDER_OPTIONS, renderOptionsFrom } from '../options/render-request';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../ui/format';
import { printFields, printJson, printTable } from '../ui/output';
import { renderPresenter } from '../watch/render-presenter';
import { exitCodeForStatus, watchJob } from '../watch/watch-job';

const renderPath = (id: string) => `/v1/renders/${encodeURIComponent(id)}`;

const OUTPUT_OPTION = { type: 'string', short: 'o', value: 'file.png', description: 'save the rendered PNG here' } as const;

function printRender(ctx: CommandContext, r: RenderView): void {
  printFields(ctx.io, [
    ['id', r.id],
    ['status', r.status],
    ['created', formatTime(r.createdAt)],
    ['iteration', `${r.iteration}/${r.iterations}`],
    ['loss', r.losses ? `total ${formatNumber(r.losses.total)} (content ${formatNumber(r.losses.content)}, style ${formatNumber(r.losses.style)}, tv ${formatNumber(r.losses.tv)})` : undefined],
    ['ETA', r.etaSeconds !== null ? formatDuration(r.etaSeconds) : undefined],
    ['previews', r.previews.length > 0 ? r.previews.map((p) => p.iteration).join(', ') : undefined],
    ['output', r.output ? `${r.output.width}×${r.output.height} at ${r.output.url}` : undefined],
    ['error', r.error],
  ]);
}

async function saveOutput(ctx: CommandContext, id: string, file: string): Promise<void> {
  const bytes = await ctx.api.download(`${renderPath(id)}/output`, file);
  writeLine(ctx.io.stderr, `saved ${file} (${formatBytes(bytes)})`);
}

/** Follows a render to its end, saves its output when asked, and returns the exit code. */
async function followRender(ctx: CommandContext, id: string, ndjson: boolean, outFile?: string) {
  const final = await watchJob(ctx, renderPresenter, id, { ndjson });
  const view = await ctx.api.get<RenderView>(renderPath(id));
  if (final.status === 'completed' && outFile) await saveOutput(ctx, id, outFile);
  if (ctx.json && !ndjson) printJson(ctx.io, view);
  else if (!ctx.json) printRender(ctx, view);
  return exitCodeForStatus(final.status);
}

const submit: CommandSpec = {
  name: 'submit',
  summary: 'Queue a style-transfer render of a content image in the style of one or more images',
  description:
    'Queues a neural style-transfer render (Gatys et al.). Options come from -f (JSON or YAML, the\n' +
    '"options" part of POST /v1/renders) and the flags, which override the file. With --wait it follows the\n' +
    'render to its end (exit 0 if it completes, 1 if not) and -o saves the PNG.',
  options: {
    ...RENDER_OPTIONS,
    wait: { type: 'boolean', description: 'follow the render until it ends; exit code by its status' },
    output: OUTPUT_OPTION,
  },
  examples: [
    'facestyle renders submit --content tubingen.jpg --style starry_night.jpg --size 512 --wait -o out.png',
    'facestyle renders submit --content c.jpg --style a.jpg --style b.jpg -f options.json --iterations 400',
  ],
  async run(ctx) {
    const content = requiredStringFlag(ctx.flags, 'content');
    const styles = listFlag(ctx.flags, 'style');
    if (styles.length === 0) throw new UsageError('--style is required (repeat it to blend several styles)');
    const output = stringFlag(ctx.flags, 'output');
    const wait = booleanFlag(ctx.flags, 'wait');
    if (output && !wait) throw new UsageError('-o/--output needs --wait (or save it later with "facestyle renders get <id> -o file.png")');
    const form = new FormData();
    await appendFile(form, 'content', content, '--content');
    for (const [i, style] of styles.entries()) await appendFile(form, 'style', style, `--style #${i + 1}`);
    form.append('options', JSON.stringify(renderOptionsFrom(ctx.flags)));
    const submitted = await ctx.api.json<Submitted>('POST', '/v1/renders', { body: form });
    if (wait) {
      return followRender(ctx, submitted.id, false, output);
    }
    if (ctx.json) return printJson(ctx.io, submitted);
    writeLine(ctx.io.stdout, submitted.id);
    writeLine(ctx.io.stderr, `render ${submitted.id} ${submitted.status}; follow it with "facestyle renders watch ${submitted.id}"`);
  },
};

const watch: CommandSpec = {
  name: 'watch',
  args: '<id>',
  summary: 'Follow a render live (iteration, total loss, ETA); exit 0 if it completes, 1 if not',
  description:
    'Follows a render through its Server-Sent Events until it ends, with a progress bar on a terminal\n' +
    '(plain lines otherwise). With --json every event is printed as one JSON line. Ctrl-C stops watching,\n' +
    'not the render.',
  options: { output: OUTPUT_OPTION },
  examples: ['facestyle renders watch rnd_0123456789abcdefghij -o out.png'],
  run: (ctx) => followRender(ctx, ctx.args[0], ctx.json, stringFlag(ctx.flags, 'output')),
};

const get: CommandSpec = {
  name: 'get',
  args: '<id>',
  summary: 'Show a render; with -o, save its output PNG',
  options: { output: OUTPUT_OPTION },
  examples: ['facestyle renders get rnd_0123456789abcdefghij', 'facestyle renders get rnd_0123456789abcdefghij -o out.png'],
  async run(ctx) {
    const id = ctx.args[0];
    const view = await ctx.api.get<RenderView>(renderPath(id));
    const output = stringFlag(ctx.flags, 'output');
    if (output) {
      if (view.status !== 'completed') {
        writeLine(ctx.io.stderr, `error: render ${id} is ${view.status}; it has no output${view.status === 'failed' && view.error ? ` (${view.error})` : ''}`);
        return view.status === 'failed' || view.status === 'cancelled' ? ExitCode.JobFailed : ExitCode.Usage;
      }
      await saveOutput(ctx, id, output);
    }
    if (ctx.json) return printJson(ctx.io, view);
    printRender(ctx, view);
  },
};

const list: CommandSpec = {
  name: 'list',
  summary: 'List renders, newest first',
  options: {
    status: { type: 'string', value: 'status', description: 'only renders in this status: queued, running, completed, failed or cancelled' },
    limit: { type: 'string', value: 'n', description: 'at most n (default 50, at most 500)' },
  },
  examples: ['facestyle renders list --status completed'],
  async run(ctx) {
    const { renders } = await ctx.api.get<{ renders: RenderView[] }>('/v1/renders', { status: stringFlag(ctx.flags, 'status'), limit: numberFlag(ctx.flags, 'limit') });
    if (ctx.json) return printJson(ctx.io, { renders });
    printTable(
      ctx.io,
      ['id', 'status', 'iteration', 'loss', 'size', 'created'],
      renders.map((r) => [r.id, r.status, `${r.iteration}/${r.iterations}`, formatNumber(r.losses?.total), r.output ? `${r.output.width}×${r.output.height}` : '-', formatTime(r.createdAt)]),
    );
  },
};

const cancel: CommandSpec = {
  name: 'cancel',
  args: '<id>',
  summary: 'Cancel a render (a running one stops within an iteration and keeps its last image as a preview)',
  examples: ['facestyle renders cancel rnd_0123456789abcdefghij'],
  async run(ctx) {
    const view = await ctx.api.json<RenderView>('POST', `${renderPath(ctx.args[0])}/cancel`);
    if (ctx.json) return printJson(ctx.io, view);
    writeLine(ctx.io.stdout, view.status === 'running' ? `render ${view.id}: cancel requested; it stops within one iteration` : `render ${view.id}: ${view.status}`);
  },
};

export const rendersGroup: GroupSpec = {
  name: 'renders',
  summary: 'Neural style-transfer renders: submit, watch, get (save the PNG), list, cancel',
  commands: [submit, watch, get, list, cancel],
};
