import { createServer } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import pino from 'pino';
import { installGracefulShutdown } from './shutdown';

const silent = pino({ level: 'silent' });

function fakeApp(steps: string[], close: () => Promise<void> = async () => undefined): INestApplication {
  const server = createServer();
  return {
    getHttpServer: () => server,
    close: async () => {
      steps.push('app.close');
      await close();
    },
  } as unknown as INestApplication;
}

describe('installGracefulShutdown', () => {
  it('stops consumers and HTTP before closing the app, and exits 0', async () => {
    const steps: string[] = [];
    const codes: number[] = [];
    const { shutdown } = installGracefulShutdown(fakeApp(steps), {
      logger: silent,
      timeoutMs: 1_000,
      consumers: [{ close: async () => void steps.push('consumer.close') }],
      signals: [],
      exit: (code) => void codes.push(code),
    });
    await shutdown('SIGTERM');
    await shutdown('SIGTERM');
    expect(steps).toEqual(['consumer.close', 'app.close']);
    expect(codes).toEqual([0]);
  });

  it('exits 1 when a step fails', async () => {
    const codes: number[] = [];
    const { shutdown } = installGracefulShutdown(
      fakeApp([], async () => {
        throw new Error('mongo close failed');
      }),
      { logger: silent, timeoutMs: 1_000, signals: [], exit: (code) => void codes.push(code) },
    );
    await shutdown('SIGTERM');
    expect(codes).toEqual([1]);
  });

  it('exits 1 when something hangs past the timeout', async () => {
    const codes: number[] = [];
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const { shutdown } = installGracefulShutdown(fakeApp([]), {
      logger: silent,
      timeoutMs: 20,
      consumers: [{ close: () => hung }],
      signals: [],
      exit: (code) => {
        codes.push(code);
        release();
      },
    });
    await shutdown('SIGTERM');
    expect(codes[0]).toBe(1);
  });
});
