import { Writable } from 'node:stream';
import pino from 'pino';
import { ConfigError } from '@sp/config';
import { reportBootFailure } from './boot-failure';

function run(err: unknown): { stderr: string; lines: Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((text: string | Uint8Array) => {
    written.push(String(text));
    return true;
  });
  try {
    reportBootFailure('referrals', err, logger);
  } finally {
    spy.mockRestore();
  }
  return {
    stderr: written.join(''),
    lines: chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('reportBootFailure', () => {
  it('prints the config problems and what to do, plus a fatal JSON line', () => {
    const err = new ConfigError([{ field: 'PORT', code: 'type', message: 'expected integer, got "abc"' }]);
    const { stderr, lines } = run(err);
    expect(stderr).toContain('referrals service failed to start.');
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('Fix the environment variables');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(lines[0]).toMatchObject({ level: 60, msg: 'referrals service failed to start' });
  });

  it('points at the local platform when a dependency is unreachable', () => {
    const { stderr } = run(new Error('connect ECONNREFUSED 127.0.0.1:9092'));
    expect(stderr).toContain('not reachable');
    expect(stderr).toContain('platform.sh status');
  });
});
