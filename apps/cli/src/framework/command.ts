import type { ApiClient } from '../api/api-client';
import type { ExitCode } from './exit-codes';
import type { Io } from './io';
import type { Flags } from './flags';

/** A flag of one command, as `util.parseArgs` takes it, plus what `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder in help (`--steps <n>`); string options only. */
  value?: string;
  description: string;
}

export interface CommandContext {
  /** Positional arguments, already checked against the command's `args`. */
  args: string[];
  flags: Flags;
  /** `--json`: machine-readable output on stdout, nothing else there. */
  json: boolean;
  io: Io;
  api: ApiClient;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments as help shows them: `<id>` required, `[dir]` optional, `<image...>` one or more. */
  args?: string;
  description?: string;
  options?: Record<string, OptionSpec>;
  examples?: string[];
  /** Returns the exit code; returning nothing means success. */
  run(ctx: CommandContext): Promise<ExitCode | void>;
}

/** A noun with verbs under it (`datasets upload`, `runs watch`). */
export interface GroupSpec {
  name: string;
  summary: string;
  description?: string;
  commands: CommandSpec[];
}

export type TopLevelSpec = CommandSpec | GroupSpec;

export const isGroup = (spec: TopLevelSpec): spec is GroupSpec => 'commands' in spec;
