import type { CommandSpec, GroupSpec, OptionSpec, TopLevelSpec } from './command';
import { isGroup } from './command';
import { GLOBAL_OPTIONS } from './global-options';

const BIN = 'facestyle';

const EXIT_CODES =
  'Exit codes: 0 ok, 1 job failed or cancelled, 2 usage or validation error, 3 API unreachable or failing,\n' +
  '            4 API key refused (401), 5 not found (404)';

/** Two aligned columns, the second wrapped under itself rather than under the first. */
function columns(rows: [string, string][], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}   ${right}`).join('\n');
}

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '    ';
  const value = option.type === 'string' ? ` <${option.value ?? 'value'}>` : '';
  return `${short}--${name}${value}${option.multiple ? ' ...' : ''}`;
}

function optionRows(options: Record<string, OptionSpec>): [string, string][] {
  return Object.entries(options).map(([name, option]) => [optionLabel(name, option), option.description]);
}

export function rootHelp(specs: TopLevelSpec[]): string {
  return [
    `${BIN}: command-line client of the Facestyle API (face-embedding training runs and style-transfer renders)`,
    '',
    `Usage: ${BIN} <command> [subcommand] [arguments] [flags]`,
    '',
    'Commands:',
    columns(specs.map((s) => [s.name, s.summary])),
    '',
    'Global flags:',
    columns([...optionRows(GLOBAL_OPTIONS), ['    --version', 'print the CLI version']]),
    '',
    EXIT_CODES,
    '',
    `Run "${BIN} <command> --help" for more about a command.`,
  ].join('\n');
}

export function groupHelp(group: GroupSpec): string {
  return [
    `Usage: ${BIN} ${group.name} <subcommand> [arguments] [flags]`,
    '',
    group.description ?? group.summary,
    '',
    'Subcommands:',
    columns(group.commands.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ''}`, c.summary])),
    '',
    `Run "${BIN} ${group.name} <subcommand> --help" for its flags.`,
  ].join('\n');
}

export function commandHelp(path: string[], command: CommandSpec): string {
  const lines = [`Usage: ${BIN} ${path.join(' ')}${command.args ? ` ${command.args}` : ''} [flags]`, '', command.description ?? command.summary];
  if (command.options && Object.keys(command.options).length > 0) lines.push('', 'Flags:', columns(optionRows(command.options)));
  lines.push('', 'Global flags:', columns(optionRows(GLOBAL_OPTIONS)));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function helpFor(specs: TopLevelSpec[], top?: TopLevelSpec, sub?: CommandSpec): string {
  if (!top) return rootHelp(specs);
  if (!isGroup(top)) return commandHelp([top.name], top);
  return sub ? commandHelp([top.name, sub.name], sub) : groupHelp(top);
}
