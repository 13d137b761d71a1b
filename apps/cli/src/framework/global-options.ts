import type { OptionSpec } from './command';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** Flags every command accepts, before or after the command name. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'url', description: `API base URL (env FACESTYLE_URL; default ${DEFAULT_API_URL})` },
  'api-key': { type: 'string', value: 'key', description: 'API key, sent as Authorization: Bearer (env FACESTYLE_API_KEY)' },
  json: { type: 'boolean', description: 'print JSON on stdout for scripts (progress stays on stderr)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

/** Global flags that take a value: the dispatcher must skip that value when it looks for the command name. */
export const GLOBAL_FLAGS_WITH_VALUE = new Set(['--url', '--api-key']);
