/**
 * Exit codes are part of the CLI's contract with scripts (documented in apps/cli/README.md);
 * keep the numbers stable.
 */
export const ExitCode = {
  /** The command did what was asked (a watched job completed). */
  Ok: 0,
  /** A watched job ended failed or cancelled. */
  JobFailed: 1,
  /** Bad command line, or the API refused the request (a 4xx other than 401/404). */
  Usage: 2,
  /** The API could not be reached or answered 5xx. */
  Unreachable: 3,
  /** The API refused the API key (401). */
  Auth: 4,
  /** The resource does not exist (404), or belongs to another tenant. */
  NotFound: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is meant for the user as is, with the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A second line that tells the user what to do about it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A command-line mistake (unknown flag, missing argument, unreadable file): exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
    this.name = 'UsageError';
  }
}
