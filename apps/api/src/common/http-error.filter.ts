import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ZodError } from 'zod';
import { ObjectNotFoundError, UnsafeObjectKeyError } from '@facestyle/core';
import { formatZodError } from './zod-error-format';

/** Errors that mean a dependency (Redis, storage) is away: the client may retry, so 503. */
function isDependencyOutage(err: unknown): boolean {
  const message = (err as Error)?.message ?? '';
  const code = (err as { code?: string })?.code ?? '';
  return (
    /enableOfflineQueue|Connection is closed|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|Reached the max retries/i.test(message) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)
  );
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? HttpStatus[statusCode] ?? 'Error', message };
}

/** Every error leaves the API as `{statusCode, error, message}`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const body = this.toBody(exception);
    if (body.statusCode >= 500 && body.statusCode !== 503) this.logger.error((exception as Error)?.stack ?? String(exception));
    if (body.statusCode === 503) response.setHeader('Retry-After', '5');
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof ZodError) return errorBody(400, formatZodError(exception));
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : Array.isArray((response as { message?: unknown }).message)
            ? ((response as { message: string[] }).message).join('; ')
            : String((response as { message?: unknown }).message ?? exception.message);
      return errorBody(status, message);
    }
    if (exception instanceof ObjectNotFoundError) return errorBody(404, 'not found');
    if (exception instanceof UnsafeObjectKeyError) return errorBody(400, exception.message);
    if (isDependencyOutage(exception)) return errorBody(503, `a dependency is unavailable: ${(exception as Error).message}`);
    return errorBody(500, 'internal error');
  }
}
