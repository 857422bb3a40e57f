import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../database/database-errors.js';
import type { ErrorResponse } from './error-response.js';

interface Described {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>[];
}

/**
 * Turns every error into `{ success: false, error: { code, message, details? } }` with its HTTP
 * status. Only what an HttpException deliberately carries reaches the client; anything else
 * becomes a generic 500 (or 503 when the database is down), with the details logged here.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const context = host.switchToHttp();
    const request = context.getRequest();
    const { status, ...error } = this.describe(exception);

    if (status >= 500) {
      // The path without its query string, which may carry what must not be logged.
      const url = String(httpAdapter.getRequestUrl(request) ?? '').split('?')[0];
      const where = `${httpAdapter.getRequestMethod(request)} ${url}`;
      // A deliberate HttpException needs no stack; anything else is a bug or an outage to trace.
      const reason =
        exception instanceof HttpException
          ? error.message
          : exception instanceof Error
            ? (exception.stack ?? exception.message)
            : String(exception);
      this.logger.error(`${where} -> ${status} ${error.code}: ${reason}`);
    }
    const response = context.getResponse();
    if (httpAdapter.isHeadersSent(response)) return;
    const body: ErrorResponse = { success: false, error };
    httpAdapter.reply(response, body, status);
  }

  private describe(exception: unknown): Described {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const fields = typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
      const message = typeof payload === 'string' ? payload : fields.message;
      return {
        status,
        code: typeof fields.code === 'string' ? fields.code : codeFor(status),
        message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
        ...(Array.isArray(fields.details) ? { details: fields.details } : {}),
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, ...DATABASE_UNAVAILABLE };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    };
  }
}

/** 'Payload Too Large' -> 'PAYLOAD_TOO_LARGE'. */
export function codeFor(status: number): string {
  return (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
