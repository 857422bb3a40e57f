import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { currentRequestId } from './request-id.js';

const REDACTED = '[REDACTED]';

/** The trace id of the span active where a line is written; none without a tracing SDK. */
function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context !== undefined && isSpanContextValid(context) ? context.traceId : undefined;
}

// Keys whose values never reach a log line, at any depth of a logged object.
const SECRET_KEYS = [
  'password',
  'passwordHash',
  'authorization',
  'cookie',
  'accessToken',
  'token',
  'secret',
  'JWT_SECRET',
  'DATABASE_URL',
];

// Secrets inside strings (messages, stacks): what the key list cannot see.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [
    /("?\b(?:password|passwordHash|secret|token|accessToken|authorization)"?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|(?:(?:Bearer|Basic)\s+)?[^\s,;&}]+)/gi,
    `$1"${REDACTED}"`,
  ],
  [/\b(Bearer|Basic)\s+[\w.~+/-]+=*/gi, `$1 ${REDACTED}`],
  [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, REDACTED], // a JWT, with or without its signature
  [/(\b[a-z][\w+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${REDACTED}@`], // URL credentials
  [/\bscrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+/g, REDACTED],
];

/**
 * Nest's console logger with two additions: each line written while a request is handled
 * carries its request id (`[req <id>]`, or `requestId` in JSON) and, when traced, its trace id
 * (`[trace <id>]`, or `traceId`), and secrets are masked:
 * values registered with `redactValues` (the JWT secret, the database password), bearer
 * tokens, JWTs, URL credentials, password hashes, and password/token fields.
 */
export class AppLogger extends ConsoleLogger {
  private readonly secrets = new Set<string>();

  constructor(options: ConsoleLoggerOptions = {}) {
    super({ ...options, redact: SECRET_KEYS });
  }

  /** Masks these exact values wherever they appear; short values are ignored as too common. */
  redactValues(...values: Array<string | undefined>): void {
    for (const value of values)
      if (value !== undefined && value.length >= 8) this.secrets.add(value);
  }

  scrub(text: string): string {
    let clean = text;
    for (const secret of this.secrets) clean = clean.split(secret).join(REDACTED);
    for (const [pattern, replacement] of SECRET_PATTERNS)
      clean = clean.replace(pattern, replacement);
    return clean;
  }

  protected override formatContext(context: string): string {
    const requestId = currentRequestId();
    const traceId = currentTraceId();
    let prefix = super.formatContext(context);
    if (requestId !== undefined) prefix += `[req ${requestId}] `;
    if (traceId !== undefined) prefix += `[trace ${traceId}] `;
    return prefix;
  }

  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    return this.scrub(super.stringifyMessage(message, logLevel));
  }

  protected override getJsonLogObject(
    message: unknown,
    options: Parameters<ConsoleLogger['getJsonLogObject']>[1],
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const requestId = currentRequestId();
    const traceId = currentTraceId();
    const record = super.getJsonLogObject(message, options);
    if (requestId === undefined && traceId === undefined) return record;
    return { ...record, requestId, traceId };
  }

  protected override stringifyJsonLogObject(logObject: Record<string, unknown>): string {
    return this.scrub(super.stringifyJsonLogObject(logObject));
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack && this.scrub(stack));
  }
}
