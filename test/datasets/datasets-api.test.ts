import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTarGz, buildZip, folderEntries, pngBomb } from '../../libs/core/src/datasets/testing/archive-builders';
import { attFacesDir } from '../../libs/core/src/testing/shared-data';
import { http, startTestStack, TestStack } from '../support/test-stack';

const ACME = 'acme-key-0123456789abcdef';
const BETA = 'beta-key-0123456789abcdef';
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { FACESTYLE_API_KEYS: `acme:${ACME},beta:${BETA}`, FACESTYLE_UPLOAD_LIMIT_BYTES: String(2 * 1024 * 1024) } });
});
afterAll(() => stack.stop());

const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const upload = (body: Buffer, query = '?name=att', key = ACME) =>
  http<Record<string, unknown>>(`${stack.baseUrl}/v1/datasets${query}`, { method: 'POST', body, headers: as(key, { 'content-type': 'application/octet-stream' }) });

describe('datasets API', () => {
  it('uploads an AT&T archive and lists, reads and deletes it', async () => {
    const archive = await buildTarGz(folderEntries(attFacesDir(), ['s1', 's2', 's3', 's4'], 'att/'));
    const created = await upload(archive);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'att', identities: 4, images: 40, rejected: [], singleImageIdentities: [] });
    const id = created.body.id as string;
    expect(id).toMatch(/^ds_/);
    const list = await http<{ datasets: { id: string }[] }>(`${stack.baseUrl}/v1/datasets`, { headers: as(ACME) });
    expect(list.body.datasets.map((d) => d.id)).toContain(id);
    const full = await http<{ identities: { name: string; images: unknown[] }[] }>(`${stack.baseUrl}/v1/datasets/${id}?full=true`, { headers: as(ACME) });
    expect(full.body.identities.map((i) => i.name)).toEqual(['s1', 's2', 's3', 's4']);
    expect((await http(`${stack.baseUrl}/v1/datasets/${id}`, { headers: as(BETA) })).status).toBe(404);
    expect((await http(`${stack.baseUrl}/v1/datasets/${id}`, { method: 'DELETE', headers: as(BETA) })).status).toBe(404);
    expect((await http(`${stack.baseUrl}/v1/datasets/${id}`, { method: 'DELETE', headers: as(ACME) })).status).toBe(204);
    expect((await http(`${stack.baseUrl}/v1/datasets/${id}`, { headers: as(ACME) })).status).toBe(404);
  });

  it('lists rejected entries in a partly bad archive', async () => {
    const good = folderEntries(attFacesDir(), ['s5']);
    const created = await upload(buildZip([...good, { name: 's6/bomb.png', data: pngBomb() }, { name: '../x/1.png', data: good[0].data }]));
    expect(created.status).toBe(201);
    expect(created.body.rejected).toHaveLength(2);
    expect(created.body.rejected).toEqual(
      expect.arrayContaining([
        { path: 's6/bomb.png', reason: expect.stringMatching(/pixel limit/) },
        { path: '../x/1.png', reason: expect.stringMatching(/escapes/) },
      ]),
    );
  });

  it.each([
    ['no name', '', Buffer.from('PK\x03\x04'), 400, /query\.name: Required/],
    ['an unknown query field', '?name=a&evil=1', Buffer.from('x'), 400, /query\.evil: unknown field/],
    ['an empty body', '?name=a', Buffer.alloc(0), 400, /body: empty/],
    ['a non-archive', '?name=a', Buffer.from('just some text, not an archive'), 400, /body: not a \.zip or \.tar\.gz/],
    ['an archive without images', '?name=a', buildZip([{ name: 'a/readme.txt', data: Buffer.from('hi') }]), 422, /no usable <identity>\/<image>.*a\/readme\.txt/],
    ['an oversized body', '?name=a', Buffer.alloc(3 * 1024 * 1024, 1), 413, /upload limit/],
  ])('refuses %s with a clear 4xx and stores nothing', async (_label, query, body, status, message) => {
    const before = await http<{ datasets: unknown[] }>(`${stack.baseUrl}/v1/datasets?limit=500`, { headers: as(BETA) });
    const response = await upload(body, query, BETA);
    expect(response.status).toBe(status);
    expect(response.body.message).toMatch(message);
    const after = await http<{ datasets: unknown[] }>(`${stack.baseUrl}/v1/datasets?limit=500`, { headers: as(BETA) });
    expect(after.body.datasets.length).toBe(before.body.datasets.length);
  });
});
