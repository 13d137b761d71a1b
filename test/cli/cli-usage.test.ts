/** The CLI without a stack: help on every level, usage errors (exit 2), an API that is not there (exit 3). */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../libs/infra/src/testing/child-process';
import { assertCliBuilt, runCli } from './run-cli';

beforeAll(() => assertCliBuilt());

describe('facestyle CLI: help and usage errors', () => {
  it.each([
    [['--help'], /Usage: facestyle <command>[\s\S]*datasets[\s\S]*renders[\s\S]*Exit codes/],
    [['runs', '--help'], /Usage: facestyle runs <subcommand>[\s\S]*watch <id>[\s\S]*pull <id> <dir>/],
    [['runs', 'submit', '--help'], /Usage: facestyle runs submit \[flags\][\s\S]*--identities-per-batch <P>[\s\S]*-f, --file/],
    [['datasets', 'upload', '-h'], /Usage: facestyle datasets upload <dir\|archive>/],
    [['help', 'renders', 'submit'], /--preserve-colors[\s\S]*-o, --output <file.png>/],
    [['gallery', 'enrol', '--help'], /Usage: facestyle gallery enrol <galleryId> <identity> <image\.\.\.>/],
    [['verify', '--help'], /Usage: facestyle verify <runId> <imageA> <imageB>/],
    [['queues', '--help'], /Usage: facestyle queues \[flags\]/],
  ])('facestyle %j prints help and exits 0', async (args, pattern) => {
    const { code, stdout } = await runCli(args);
    expect(stdout).toMatch(pattern);
    expect(code).toBe(0);
  });

  it.each([
    [[], /Usage: facestyle <command>/],
    [['runs'], /Usage: facestyle runs <subcommand>/],
    [['bogus'], /error: unknown command "bogus"/],
    [['runs', 'bogus'], /error: unknown subcommand "runs bogus"/],
    [['runs', 'get'], /error: missing argument <id>\nusage: facestyle runs get <id>/],
    [['runs', 'get', 'a', 'b'], /error: unexpected argument "b"/],
    [['runs', 'submit', '--steps', 'ten'], /error: --steps: "ten" is not a number/],
    [['runs', 'submit', '--epochs', '3'], /error: Unknown option '--epochs'/],
    [['renders', 'submit', '--style', 'a.jpg'], /error: --content is required/],
    [['renders', 'submit', '--content', 'missing.jpg', '--style', 'a.jpg'], /error: --content: cannot read missing\.jpg \(ENOENT\)/],
    [['datasets', 'upload', 'no-such-folder'], /error: cannot read no-such-folder \(ENOENT\)/],
    [['--url', 'not a url', 'queues'], /error: API URL "not a url" is not a URL/],
  ])('facestyle %j is a usage error: exit 2 with a message', async (args, pattern) => {
    // An unreachable URL so nothing can reach a real API by accident.
    const { code, stderr } = await runCli(args, { url: `http://127.0.0.1:${await freePort()}` });
    expect(stderr).toMatch(pattern);
    expect(code).toBe(2);
  });

  it('says where it looked when the API is unreachable, and exits 3', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await runCli(['queues'], { url });
    expect(stderr).toContain(`error: cannot reach the Facestyle API at ${url}: is it running? (npm run start:api)`);
    expect(stderr).toContain('ECONNREFUSED');
    expect(code).toBe(3);
    // --url wins over FACESTYLE_URL.
    const flagged = await runCli(['health', '--url', url], { url: 'http://127.0.0.1:9' });
    expect(flagged.stderr).toContain(`at ${url}:`);
    expect(flagged.code).toBe(3);
  });

  it('runs as `npx facestyle` from the repository, as the README says', async () => {
    const repoRoot = path.resolve(__dirname, '../..');
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'facestyle', '--help'], { cwd: repoRoot, timeout: 60_000 });
    expect(stdout).toMatch(/Usage: facestyle <command>/);
  });
});
