import path from 'node:path';
import { appendFile } from '../api/file-part';
import type { CommandSpec, GroupSpec } from '../framework/command';
import { numberFlag, requiredStringFlag } from '../framework/flags';
import { writeLine } from '../framework/io';
import { formatNumber } from '../ui/format';
import { printJson, printTable } from '../ui/output';

/** Routes per DESIGN.md "Galleries (1:K)". */
const galleryPath = (id: string) => `/v1/galleries/${encodeURIComponent(id)}`;

interface Identification {
  identity: string | null;
  matches: { identity: string; distance: number }[];
}

const create: CommandSpec = {
  name: 'create',
  summary: "Create a gallery that recognises faces with a training run's embeddings",
  options: {
    name: { type: 'string', value: 'name', description: 'gallery name (required)' },
    run: { type: 'string', value: 'runId', description: 'the training run whose model embeds faces (required)' },
  },
  examples: ['facestyle gallery create --name staff --run run_0123456789abcdefghij'],
  async run(ctx) {
    const body = { name: requiredStringFlag(ctx.flags, 'name'), runId: requiredStringFlag(ctx.flags, 'run') };
    const gallery = await ctx.api.json<{ id: string }>('POST', '/v1/galleries', { json: body });
    if (ctx.json) return printJson(ctx.io, gallery);
    writeLine(ctx.io.stdout, gallery.id);
  },
};

const enrol: CommandSpec = {
  name: 'enrol',
  args: '<galleryId> <identity> <image...>',
  summary: 'Enrol a person from one or more images (one is enough)',
  examples: ['facestyle gallery enrol gal_0123456789abcdefghij alice alice-1.jpg alice-2.jpg'],
  async run(ctx) {
    const [galleryId, identity, ...images] = ctx.args;
    const results: unknown[] = [];
    // One request per image, as the API takes them: a refused image is reported by name, the others stay enrolled.
    for (const image of images) {
      const form = new FormData();
      await appendFile(form, 'image', image, image);
      results.push(await ctx.api.json('POST', `${galleryPath(galleryId)}/identities/${encodeURIComponent(identity)}/images`, { body: form }));
      if (!ctx.json) writeLine(ctx.io.stdout, `enrolled ${identity}: ${path.basename(image)}`);
    }
    if (ctx.json) printJson(ctx.io, { galleryId, identity, images: results });
  },
};

const identify: CommandSpec = {
  name: 'identify',
  args: '<galleryId> <image>',
  summary: 'Who is this? The nearest enrolled identity, or unknown (1:K recognition)',
  options: { k: { type: 'string', value: 'n', description: 'how many nearest identities to list' } },
  examples: ['facestyle gallery identify gal_0123456789abcdefghij visitor.jpg --k 3'],
  async run(ctx) {
    const [galleryId, image] = ctx.args;
    const form = new FormData();
    await appendFile(form, 'image', image, '<image>');
    const result = await ctx.api.json<Identification>('POST', `${galleryPath(galleryId)}/identify`, { body: form, query: { k: numberFlag(ctx.flags, 'k') } });
    if (ctx.json) return printJson(ctx.io, result);
    writeLine(ctx.io.stdout, result.identity === null ? 'unknown: nobody enrolled is close enough' : `identity: ${result.identity}`);
    printTable(ctx.io, ['identity', 'distance'], result.matches.map((m) => [m.identity, formatNumber(m.distance)]));
  },
};

export const galleryGroup: GroupSpec = {
  name: 'gallery',
  summary: 'Galleries for 1:K recognition: create, enrol people, identify faces',
  commands: [create, enrol, identify],
};
