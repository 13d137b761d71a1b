import { CliError, ExitCode } from '../framework/exit-codes';

/** The body of every API error (`{statusCode, error, message}`), or the text of a foreign one. */
export function messageOf(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string' && body.message !== '') return body.message;
  } catch {
    /* not JSON: a proxy's page, say */
  }
  const trimmed = text.trim().slice(0, 300);
  return trimmed !== '' ? trimmed : `HTTP ${status}`;
}

/**
 * Maps an API error to an exit code. Validation messages are passed through verbatim: they name
 * the field (`body.steps: …`, `options.size: …`), which is what the user needs to fix.
 */
export function errorForStatus(status: number, text: string, baseUrl: string, retryAfter?: string | null): CliError {
  const message = messageOf(status, text);
  if (status === 401) return new CliError(message, ExitCode.Auth, 'Set FACESTYLE_API_KEY or pass --api-key with a key the API accepts.');
  if (status === 404) {
    // Nest's answer for a route it does not have, as opposed to a resource that does not exist.
    const noRoute = /^Cannot (GET|POST|PUT|PATCH|DELETE) /.test(message);
    return new CliError(message, ExitCode.NotFound, noRoute ? `The API at ${baseUrl} does not serve this route: it may be older than this CLI.` : undefined);
  }
  if (status === 429) return new CliError(message, ExitCode.Usage, retryAfter ? `The API asks to retry after ${retryAfter} s.` : undefined);
  if (status >= 400 && status < 500) return new CliError(message, ExitCode.Usage);
  const hint = status === 503 ? `The API at ${baseUrl} is up but a dependency is not${retryAfter ? `; retry after ${retryAfter} s` : ''}.` : undefined;
  return new CliError(`the API answered ${status}: ${message}`, ExitCode.Unreachable, hint);
}

/** fetch and http.request fail with a cause that holds the system error (ECONNREFUSED, ENOTFOUND…). */
export function unreachableError(baseUrl: string, err: unknown): CliError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause ?? (err as { code?: string; message?: string });
  const detail = cause?.code ?? cause?.message ?? String(err);
  return new CliError(
    `cannot reach the Facestyle API at ${baseUrl}: is it running? (npm run start:api)`,
    ExitCode.Unreachable,
    `(${detail}; set FACESTYLE_URL or pass --url if it runs elsewhere)`,
  );
}
