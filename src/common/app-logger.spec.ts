import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AppLogger } from './app-logger.js';
import { runWithRequestId } from './request-id.js';

describe('AppLogger', () => {
  let lines: string[];
  let logger: AppLogger;
  // With forceConsole the logger prints through console.log/error: capture them.
  /* eslint-disable no-console */
  const originals = { log: console.log, error: console.error };

  beforeEach(() => {
    lines = [];
    console.log = console.error = (...args: unknown[]) => lines.push(args.join(' '));
    logger = new AppLogger({ forceConsole: true, colors: false });
  });
  afterEach(() => Object.assign(console, originals));
  /* eslint-enable no-console */

  it('tags lines written while a request is handled with its id, and only those', () => {
    runWithRequestId('req-42', () => logger.log('inside', 'Orders'));
    logger.log('outside', 'Orders');

    expect(lines[0]).toMatch(/\[Orders\] \[req req-42\] inside$/);
    expect(lines[1]).toMatch(/\[Orders\] outside$/);
  });

  it('tags lines written inside a traced span with its trace id, and only those', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    try {
      const traceId = trace.getTracer('test').startActiveSpan('request', (span) => {
        runWithRequestId('req-7', () => logger.log('traced', 'Orders'));
        span.end();
        return span.spanContext().traceId;
      });
      logger.log('outside', 'Orders');
      expect(lines[0]).toMatch(
        new RegExp(`\\[Orders\\] \\[req req-7\\] \\[trace ${traceId}\\] traced$`),
      );
      expect(lines[1]).toMatch(/\[Orders\] outside$/);
      const json = new AppLogger({ json: true, forceConsole: true, colors: false });
      trace.getTracer('test').startActiveSpan('job', (span) => {
        json.log('traced', 'Jobs');
        span.end();
        expect(JSON.parse(lines[2])).toMatchObject({ traceId: span.spanContext().traceId });
      });
    } finally {
      trace.disable();
      context.disable();
    }
  });

  it('masks registered secrets, bearer tokens, JWTs, URL credentials, hashes and password fields', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    logger.redactValues('s3cr3t-jwt-signing-key', 'short');
    logger.error(
      [
        'key s3cr3t-jwt-signing-key, a short word stays',
        `Authorization: Bearer ${jwt}`,
        `token ${jwt}`,
        'postgresql://app:hunter22@db:5432/orders',
        'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNo',
        '{"email":"ada@example.com","password":"correct horse battery staple"}',
        'password=correct-horse&next=1',
      ].join('\n'),
      'at Service.method (/app/src/x.ts:1:1) with Bearer abc.def',
      'Test',
    );

    const output = lines.join('\n');
    for (const secret of [
      's3cr3t-jwt-signing-key',
      jwt,
      'hunter22',
      'aGFzaGhhc2hoYXNo',
      'correct horse battery staple',
      'correct-horse',
      'abc.def',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('postgresql://app:[REDACTED]@db:5432/orders');
    expect(output).toContain('"email":"ada@example.com"');
    expect(output).toContain('Authorization: "[REDACTED]"');
    expect(output).toContain('a short word stays'); // too short to be registered as a secret
  });

  it('masks secret fields of logged objects', () => {
    logger.warn({ user: 'ada', password: 'correct horse battery staple', token: 'abc' }, 'Test');

    expect(lines.join('\n')).not.toMatch(/correct horse|abc'/);
    expect(lines.join('\n')).toContain("user: 'ada'");
  });

  it('adds the request id and masks secrets in JSON mode too', () => {
    const json = new AppLogger({ json: true, forceConsole: true });
    json.redactValues('s3cr3t-jwt-signing-key');

    runWithRequestId('req-7', () => json.log('signing with s3cr3t-jwt-signing-key', 'Auth'));

    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'log',
      context: 'Auth',
      requestId: 'req-7',
      message: 'signing with [REDACTED]',
    });
  });
});
