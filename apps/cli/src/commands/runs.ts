import path from 'node:path';
import type { Submitted, TrainingRunView } from '../api/resources';
import type { CommandContext, CommandSpec, GroupSpec } from '../framework/command';
import { booleanFlag, numberFlag, stringFlag } from '../framework/flags';
import { writeLine } from '../framework/io';
import { TRAINING_REQUEST_OPTIONS, trainingRequestFrom } from '../options/training-request';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../ui/format';
import { printFields, printJson, printTable } from '../ui/output';
import { formatEvaluation, runPresenter } from '../watch/run-presenter';
import { exitCodeForStatus, watchJob } from '../watch/watch-job';
import { pullCheckpoint } from './checkpoint-pull';

const runPath = (id: string) => `/v1/training-runs/${encodeURIComponent(id)}`;

function printRun(ctx: CommandContext, run: TrainingRunView): void {
  printFields(ctx.io, [
    ['id', run.id],
    ['status', run.status],
    ['dataset', run.datasetId],
    ['created', formatTime(run.createdAt)],
    ['step', `${run.step}/${run.steps}`],
    ['loss', formatNumber(run.loss)],
    ['ETA', run.etaSeconds !== null ? formatDuration(run.etaSeconds) : undefined],
    ['evaluation', run.evaluation ? `step ${run.evaluation.step}: ${formatEvaluation(run.evaluation)}` : undefined],
    ['best step', run.bestStep ?? undefined],
    ['checkpoints', run.checkpoints.length > 0 ? run.checkpoints.map((c) => c.step).join(', ') : 'none'],
    ['error', run.error],
  ]);
}

/** Follows a run to its end; prints its final state; exit code by status. */
async function followRun(ctx: CommandContext, id: string, ndjson: boolean) {
  const final = await watchJob(ctx, runPresenter, id, { ndjson });
  if (ctx.json && !ndjson) printJson(ctx.io, await ctx.api.get<TrainingRunView>(runPath(id)));
  else if (!ctx.json) printRun(ctx, await ctx.api.get<TrainingRunView>(runPath(id)));
  return exitCodeForStatus(final.status);
}

const submit: CommandSpec = {
  name: 'submit',
  summary: 'Queue a triplet-loss training run on a dataset',
  description:
    'Queues a training run. Options come from -f (JSON or YAML, the body of POST /v1/training-runs) and\n' +
    'the flags, which override the file. The API validates them and names the field it refuses.',
  options: { ...TRAINING_REQUEST_OPTIONS, wait: { type: 'boolean', description: 'follow the run until it ends (as "runs watch"); exit code by its status' } },
  examples: [
    'facestyle runs submit --dataset ds_0123456789abcdefghij --steps 2000 --mining semi-hard',
    'facestyle runs submit -f run.yaml --steps 500 --seed 7 --wait',
  ],
  async run(ctx) {
    const submitted = await ctx.api.json<Submitted>('POST', '/v1/training-runs', { json: trainingRequestFrom(ctx.flags) });
    if (booleanFlag(ctx.flags, 'wait')) {
      return followRun(ctx, submitted.id, false);
    }
    if (ctx.json) return printJson(ctx.io, submitted);
    writeLine(ctx.io.stdout, submitted.id);
    writeLine(ctx.io.stderr, `training run ${submitted.id} ${submitted.status}; follow it with "facestyle runs watch ${submitted.id}"`);
  },
};

const list: CommandSpec = {
  name: 'list',
  summary: 'List training runs, newest first',
  options: {
    status: { type: 'string', value: 'status', description: 'only runs in this status: queued, running, completed, failed or cancelled' },
    limit: { type: 'string', value: 'n', description: 'at most n (default 50, at most 500)' },
  },
  examples: ['facestyle runs list', 'facestyle runs list --status running --json'],
  async run(ctx) {
    const { runs } = await ctx.api.get<{ runs: TrainingRunView[] }>('/v1/training-runs', { status: stringFlag(ctx.flags, 'status'), limit: numberFlag(ctx.flags, 'limit') });
    if (ctx.json) return printJson(ctx.io, { runs });
    printTable(
      ctx.io,
      ['id', 'status', 'step', 'loss', 'auc', 'dataset', 'created'],
      runs.map((r) => [r.id, r.status, `${r.step}/${r.steps}`, formatNumber(r.loss), formatNumber(r.evaluation?.rocAuc), r.datasetId, formatTime(r.createdAt)]),
    );
  },
};

const get: CommandSpec = {
  name: 'get',
  args: '<id>',
  summary: 'Show a training run: status, step, loss, latest evaluation, checkpoints',
  examples: ['facestyle runs get run_0123456789abcdefghij'],
  async run(ctx) {
    const run = await ctx.api.get<TrainingRunView>(runPath(ctx.args[0]));
    if (ctx.json) return printJson(ctx.io, run);
    printRun(ctx, run);
  },
};

const watch: CommandSpec = {
  name: 'watch',
  args: '<id>',
  summary: 'Follow a run live (step, loss, ETA, evaluations); exit 0 if it completes, 1 if it fails or is cancelled',
  description:
    'Follows a training run through its Server-Sent Events until it ends: a progress bar on a terminal\n' +
    '(plain lines otherwise) with step, loss and ETA, and a line for each evaluation. With --json every\n' +
    'event is printed as one JSON line ({"event", "data"}). Ctrl-C stops watching, not the run.',
  examples: ['facestyle runs watch run_0123456789abcdefghij', 'facestyle runs watch run_0123456789abcdefghij --json | jq -c .data.progress'],
  run: (ctx) => followRun(ctx, ctx.args[0], ctx.json),
};

const cancel: CommandSpec = {
  name: 'cancel',
  args: '<id>',
  summary: 'Cancel a run (a running one stops within a step and keeps its checkpoints)',
  examples: ['facestyle runs cancel run_0123456789abcdefghij'],
  async run(ctx) {
    const run = await ctx.api.json<TrainingRunView>('POST', `${runPath(ctx.args[0])}/cancel`);
    if (ctx.json) return printJson(ctx.io, run);
    writeLine(ctx.io.stdout, run.status === 'running' ? `training run ${run.id}: cancel requested; it stops within one step` : `training run ${run.id}: ${run.status}`);
  },
};

const pull: CommandSpec = {
  name: 'pull',
  args: '<id> <dir>',
  summary: 'Download a checkpoint (model.json + weights) for tf.loadLayersModel',
  description:
    "Downloads a checkpoint's model.json and every weight file it names into <dir>, so that\n" +
    "tf.loadLayersModel('file://<dir>/model.json') loads it (register Facestyle's custom layers first:\n" +
    "import '@facestyle/core').",
  options: { step: { type: 'string', value: 'n|latest|best', description: 'which checkpoint (default latest)' } },
  examples: ['facestyle runs pull run_0123456789abcdefghij ./model', 'facestyle runs pull run_0123456789abcdefghij --step best ./best'],
  async run(ctx) {
    const pulled = await pullCheckpoint(ctx.api, ctx.args[0], stringFlag(ctx.flags, 'step') ?? 'latest', ctx.args[1]);
    if (ctx.json) return printJson(ctx.io, pulled);
    for (const file of pulled.files) writeLine(ctx.io.stdout, `${path.join(pulled.dir, file.name)}  ${formatBytes(file.bytes)}`);
    writeLine(ctx.io.stderr, `checkpoint at step ${pulled.step} of ${pulled.runId}: tf.loadLayersModel('file://${path.resolve(pulled.dir, 'model.json')}')`);
  },
};

export const runsGroup: GroupSpec = {
  name: 'runs',
  summary: 'Submit, list, watch and cancel training runs; pull their checkpoints',
  commands: [submit, list, get, watch, cancel, pull],
};
