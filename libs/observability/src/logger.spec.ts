import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { traceContext } from './trace-context';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level, time and message', () => {
    const out = capture();
    createLogger('referrals', 'info', { destination: out.stream }).info(
      { referralId: 'r-1' },
      'referral submitted',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({
      service: 'referrals',
      level: 'info',
      msg: 'referral submitted',
      referralId: 'r-1',
    });
    expect(typeof line?.['time']).toBe('string');
    expect(line).not.toHaveProperty('correlationId');
  });

  it('adds correlationId, causationId and traceparent from the trace context, across awaits', async () => {
    const out = capture();
    const logger = createLogger('analytics', 'info', { destination: out.stream });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await traceContext.run({ correlationId: 'corr-1', causationId: 'evt-9', traceparent }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('handled');
    });
    expect(out.lines()[0]).toMatchObject({
      msg: 'handled',
      correlationId: 'corr-1',
      causationId: 'evt-9',
      traceparent,
    });
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger('x', 'warn', { destination: out.stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((l) => l['msg'])).toEqual(['shown']);
  });

  it('redacts credentials and NHS numbers at the top level and nested', () => {
    const out = capture();
    createLogger('x', 'info', { destination: out.stream }).info(
      {
        password: 'p',
        client_secret: 's',
        headers: { authorization: 'Bearer abc' },
        body: { patient: { nhsNumber: '9434765919' } },
      },
      'sensitive',
    );
    const text = JSON.stringify(out.lines()[0]);
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('9434765919');
    expect(text).not.toMatch(/"password":"p"|"client_secret":"s"/);
    expect(out.lines()[0]).toMatchObject({
      password: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
  });
});
