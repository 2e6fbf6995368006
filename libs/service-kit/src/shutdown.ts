import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';

export interface Closable {
  close(): Promise<void>;
}

export interface GracefulShutdownOptions {
  logger: Logger;
  /** Hard limit for the whole shutdown; past it the process exits 1 (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  /** Event consumers to stop first (KafkaEventTransport). */
  consumers?: Closable[];
  signals?: NodeJS.Signals[];
  /** Injected in tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

/** Stops accepting connections and resolves once in-flight requests have been answered. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    // Keep-alive connections go idle after their last response; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Graceful shutdown in the order that loses nothing: stop consuming (the handler in progress
 * finishes, offsets are committed) and, at the same time, stop accepting HTTP and let in-flight
 * requests finish; only then run the providers' beforeApplicationShutdown / onApplicationShutdown
 * hooks (outbox relays, producers, mongoose, redis, BullMQ workers). Exit 0 when done, 1 if anything fails or hangs past timeoutMs.
 *
 * Nest's own enableShutdownHooks is not used: it runs the provider hooks before the HTTP server
 * stops and re-raises the signal (exit status 143 instead of 0).
 */
export function installGracefulShutdown(
  app: INestApplication,
  opts: GracefulShutdownOptions,
): { shutdown: (signal: string) => Promise<void> } {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let started = false;

  const shutdown = async (signal: string): Promise<void> => {
    if (started) return;
    started = true;
    const { logger } = opts;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: opts.timeoutMs }, 'shutdown did not finish in time; exiting');
      exit(1);
    }, opts.timeoutMs);
    timer.unref();

    let code = 0;
    try {
      // Both drains run together; resources close only once neither can need them any more.
      await Promise.all([
        Promise.all((opts.consumers ?? []).map((consumer) => consumer.close())).then(() =>
          logger.debug('consumers stopped'),
        ),
        closeHttpServer(app.getHttpServer() as Server).then(() => logger.debug('http server closed')),
      ]);
      await app.close();
      logger.info('stopped');
    } catch (err: unknown) {
      logger.error({ err }, 'shutdown failed');
      code = 1;
    } finally {
      clearTimeout(timer);
    }
    exit(code);
  };

  for (const signal of signals) process.once(signal, () => void shutdown(signal));
  return { shutdown };
}
