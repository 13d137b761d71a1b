import type { DatasetSummary } from '../api/resources';
import { uploadStream } from '../api/streaming-upload';
import type { CommandSpec, GroupSpec } from '../framework/command';
import { booleanFlag, numberFlag, stringFlag } from '../framework/flags';
import { writeLine } from '../framework/io';
import { formatBytes, formatTime } from '../ui/format';
import { printFields, printJson, printTable } from '../ui/output';
import { ProgressDisplay, progressModeFor } from '../ui/progress-display';
import { defaultDatasetName, openUploadSource, statUploadSource } from './upload-source';

const upload: CommandSpec = {
  name: 'upload',
  args: '<dir|archive>',
  summary: 'Upload a folder of <identity>/<image> files (packed as .tar.gz on the fly) or a .zip/.tar.gz',
  description:
    'Uploads a face dataset. A folder is read as <identity>/<image> (one sub-folder per person) and streamed\n' +
    'as a .tar.gz; an existing .zip or .tar.gz is sent as it is. The API checks every image and lists\n' +
    'what it rejected, and why.',
  options: { name: { type: 'string', value: 'name', description: 'dataset name (default: the folder or file name)' } },
  examples: ['facestyle datasets upload ./att-faces --name att', 'facestyle datasets upload faces.zip --json | jq -r .id'],
  async run(ctx) {
    const source = ctx.args[0];
    const name = stringFlag(ctx.flags, 'name') ?? defaultDatasetName(source);
    statUploadSource(source);
    // Ask something cheap first: a wrong key or a stopped API should not cost a whole upload to find out.
    await ctx.api.get('/v1/datasets', { limit: 1 });
    const display = new ProgressDisplay(ctx.io.stderr, progressModeFor(ctx.io.stderr, ctx.json));
    const started = Date.now();
    const opened = openUploadSource(source, (done, total) => {
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      display.update({
        fraction: total > 0 ? done / total : undefined,
        label: done >= total ? `uploaded ${formatBytes(total)}; the API is checking the images…` : `uploading ${name}: ${formatBytes(done)} of ${formatBytes(total)}, ${formatBytes(rate)}/s`,
      });
    });
    for (const skipped of opened.skipped) display.note(`skipped ${skipped.path}: ${skipped.reason}`);
    let summary: DatasetSummary;
    try {
      summary = await uploadStream<DatasetSummary>(ctx.api, '/v1/datasets', opened.stream, {
        query: { name },
        contentType: opened.contentType,
        contentLength: opened.contentLength,
      });
    } finally {
      display.finish();
    }
    if (ctx.json) return printJson(ctx.io, summary);
    printDataset(ctx.io, summary);
  },
};

function printDataset(io: Parameters<typeof printJson>[0], d: DatasetSummary): void {
  printFields(io, [
    ['id', d.id],
    ['name', d.name],
    ['created', formatTime(d.createdAt)],
    ['identities', d.identities],
    ['images', d.images],
    ['rejected', d.rejected.length],
    ['single-image identities', d.singleImageIdentities.length > 0 ? d.singleImageIdentities.join(', ') : undefined],
  ]);
  for (const r of d.rejected.slice(0, 50)) writeLine(io.stdout, `  rejected ${r.path}: ${r.reason}`);
  if (d.rejected.length > 50) writeLine(io.stdout, `  … and ${d.rejected.length - 50} more (see --json)`);
}

const list: CommandSpec = {
  name: 'list',
  summary: 'List datasets, newest first',
  options: {
    limit: { type: 'string', value: 'n', description: 'at most n (default 50, at most 500)' },
    offset: { type: 'string', value: 'n', description: 'skip the first n' },
  },
  examples: ['facestyle datasets list', 'facestyle datasets list --json'],
  async run(ctx) {
    const { datasets } = await ctx.api.get<{ datasets: DatasetSummary[] }>('/v1/datasets', {
      limit: numberFlag(ctx.flags, 'limit'),
      offset: numberFlag(ctx.flags, 'offset'),
    });
    if (ctx.json) return printJson(ctx.io, { datasets });
    printTable(
      ctx.io,
      ['id', 'name', 'identities', 'images', 'rejected', 'created'],
      datasets.map((d) => [d.id, d.name, String(d.identities), String(d.images), String(d.rejected.length), formatTime(d.createdAt)]),
    );
  },
};

const get: CommandSpec = {
  name: 'get',
  args: '<id>',
  summary: 'Show a dataset (--full: every identity and image)',
  options: { full: { type: 'boolean', description: 'the whole manifest: every identity and image' } },
  examples: ['facestyle datasets get ds_0123456789abcdefghij', 'facestyle datasets get ds_0123456789abcdefghij --full --json'],
  async run(ctx) {
    const full = booleanFlag(ctx.flags, 'full');
    const path = `/v1/datasets/${encodeURIComponent(ctx.args[0])}`;
    if (!full) {
      const summary = await ctx.api.get<DatasetSummary>(path);
      return ctx.json ? printJson(ctx.io, summary) : printDataset(ctx.io, summary);
    }
    const manifest = await ctx.api.get<{ identities: { name: string; images: { source: string; width: number; height: number }[] }[] }>(path, { full: true });
    if (ctx.json) return printJson(ctx.io, manifest);
    printTable(
      ctx.io,
      ['identity', 'images', 'sizes'],
      manifest.identities.map((i) => [i.name, String(i.images.length), [...new Set(i.images.map((m) => `${m.width}×${m.height}`))].join(' ')]),
    );
  },
};

const remove: CommandSpec = {
  name: 'delete',
  args: '<id>',
  summary: 'Delete a dataset and its images',
  examples: ['facestyle datasets delete ds_0123456789abcdefghij'],
  async run(ctx) {
    const id = ctx.args[0];
    await ctx.api.request('DELETE', `/v1/datasets/${encodeURIComponent(id)}`);
    if (ctx.json) return printJson(ctx.io, { id, deleted: true });
    writeLine(ctx.io.stdout, `deleted dataset ${id}`);
  },
};

export const datasetsGroup: GroupSpec = {
  name: 'datasets',
  summary: 'Upload, list, show and delete face datasets',
  commands: [upload, list, get, remove],
};
