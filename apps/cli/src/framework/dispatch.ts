import { parseArgs } from 'node:util';
import { ApiClient } from '../api/api-client';
import type { CommandSpec, OptionSpec, TopLevelSpec } from './command';
import { isGroup } from './command';
import { CliError, ExitCode, UsageError } from './exit-codes';
import type { Flags } from './flags';
import { DEFAULT_API_URL, GLOBAL_FLAGS_WITH_VALUE, GLOBAL_OPTIONS } from './global-options';
import { commandHelp, helpFor } from './help';
import { Io, writeLine } from './io';

export interface CliDefinition {
  specs: TopLevelSpec[];
  version: string;
}

/** Runs one command line and returns the process exit code; never throws. */
export async function runCli(argv: string[], cli: CliDefinition, io: Io): Promise<number> {
  try {
    return await dispatch(argv, cli, io);
  } catch (err) {
    return reportError(err, io);
  }
}

async function dispatch(argv: string[], cli: CliDefinition, io: Io): Promise<number> {
  const first = findName(argv, 0);
  const wantsHelp = argv.slice(0, endOfFlags(argv)).some((t) => t === '--help' || t === '-h');
  if (first === -1) {
    if (argv.includes('--version')) return print(io, cli.version);
    if (wantsHelp) return print(io, helpFor(cli.specs));
    writeLine(io.stderr, helpFor(cli.specs));
    return ExitCode.Usage;
  }
  if (argv[first] === 'help') return showHelp(cli, io, argv.slice(first + 1).filter((t) => !t.startsWith('-')));

  const top = cli.specs.find((s) => s.name === argv[first]);
  if (!top) throw new UsageError(`unknown command "${argv[first]}"`, 'Run "facestyle --help" for the list of commands.');
  let command: CommandSpec = top as CommandSpec;
  let consumed = [first];
  if (isGroup(top)) {
    const second = findName(argv, first + 1);
    const sub = second === -1 ? undefined : top.commands.find((c) => c.name === argv[second]);
    if (!sub) {
      if (second !== -1) throw new UsageError(`unknown subcommand "${top.name} ${argv[second]}"`, `Run "facestyle ${top.name} --help" for its subcommands.`);
      if (wantsHelp) return print(io, helpFor(cli.specs, top));
      writeLine(io.stderr, helpFor(cli.specs, top));
      return ExitCode.Usage;
    }
    command = sub;
    consumed = [first, second];
  }
  const path = consumed.map((i) => argv[i]);
  if (wantsHelp) return print(io, commandHelp(path, command));

  const rest = argv.filter((_, i) => !consumed.includes(i));
  const { flags, args } = parseCommandLine(rest, command, path);
  const api = new ApiClient({ baseUrl: resolveUrl(flags, io.env), apiKey: resolveApiKey(flags, io.env), userAgent: `facestyle-cli/${cli.version}` });
  const code = await command.run({ args, flags, json: flags.json === true, io, api });
  return code ?? ExitCode.Ok;
}

/**
 * Index of the next command name at or after `from`: the first token that is not a flag,
 * skipping global flags (and the value of `--url`/`--api-key`), which may come before names.
 * A command flag ends the search (`runs --status x list` is not supported; flags go last).
 */
function findName(argv: string[], from: number): number {
  for (let i = from; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') return -1;
    if (GLOBAL_FLAGS_WITH_VALUE.has(token)) {
      i++;
      continue;
    }
    if (!token.startsWith('-')) return i;
    if (!isGlobalFlag(token)) return -1;
  }
  return -1;
}

function isGlobalFlag(token: string): boolean {
  const name = token.replace(/^--?/, '').split('=')[0];
  return name in GLOBAL_OPTIONS || name === 'h' || name === 'version';
}

function endOfFlags(tokens: string[]): number {
  const index = tokens.indexOf('--');
  return index === -1 ? tokens.length : index;
}

function parseCommandLine(rest: string[], command: CommandSpec, path: string[]): { flags: Flags; args: string[] } {
  const options: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    }) as { values: Flags; positionals: string[] };
  } catch (err) {
    throw new UsageError((err as Error).message, `Run "facestyle ${path.join(' ')} --help" for its flags.`);
  }
  checkPositionals(parsed.positionals, command, path);
  return { flags: parsed.values, args: parsed.positionals };
}

/** Checks the count of positionals against the command's `args` (`<x>` required, `[x]` optional, `...` one or more). */
function checkPositionals(positionals: string[], command: CommandSpec, path: string[]): void {
  const tokens = (command.args ?? '').split(/\s+/).filter(Boolean);
  const required = tokens.filter((t) => t.startsWith('<'));
  const variadic = tokens.some((t) => t.includes('...'));
  const usage = `usage: facestyle ${path.join(' ')}${command.args ? ` ${command.args}` : ''}`;
  if (positionals.length < required.length) throw new UsageError(`missing argument ${required[positionals.length]}`, usage);
  if (!variadic && positionals.length > tokens.length) throw new UsageError(`unexpected argument "${positionals[tokens.length]}"`, usage);
}

function resolveUrl(flags: Flags, env: NodeJS.ProcessEnv): string {
  const raw = (typeof flags.url === 'string' ? flags.url : undefined) ?? (env.FACESTYLE_URL || DEFAULT_API_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`API URL "${raw}" is not a URL`, 'Pass --url http://host:port or set FACESTYLE_URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`API URL "${raw}" must be http:// or https://`);
  return url.href.replace(/\/+$/, '');
}

function resolveApiKey(flags: Flags, env: NodeJS.ProcessEnv): string | undefined {
  return (typeof flags['api-key'] === 'string' ? flags['api-key'] : undefined) ?? (env.FACESTYLE_API_KEY || undefined);
}

function showHelp(cli: CliDefinition, io: Io, names: string[]): number {
  const top = cli.specs.find((s) => s.name === names[0]);
  if (names[0] !== undefined && !top) throw new UsageError(`unknown command "${names[0]}"`, 'Run "facestyle --help" for the list of commands.');
  const sub = top && isGroup(top) ? top.commands.find((c) => c.name === names[1]) : undefined;
  return print(io, helpFor(cli.specs, top, sub));
}

function print(io: Io, text: string): number {
  writeLine(io.stdout, text);
  return ExitCode.Ok;
}

function reportError(err: unknown, io: Io): number {
  if (err instanceof CliError) {
    writeLine(io.stderr, `error: ${err.message}`);
    if (err.hint) writeLine(io.stderr, err.hint);
    return err.exitCode;
  }
  // Not anticipated: say what happened, with the stack only when asked (FACESTYLE_DEBUG=1).
  writeLine(io.stderr, `error: ${(err as Error)?.message ?? String(err)}`);
  if (io.env.FACESTYLE_DEBUG) writeLine(io.stderr, (err as Error)?.stack ?? '');
  return ExitCode.JobFailed;
}
