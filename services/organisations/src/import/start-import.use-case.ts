import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import { Inject, Injectable, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '@sp/errors';
import { SERVICE_LOGGER } from '@sp/service-kit';
import { HSDS_STORE, type HsdsStore } from '../hsds/hsds-store.port';
import { DirectoryChanges } from '../signals/directory-changes';
import { fileElements } from './import-source';
import { initialReport, runImport, type ImportReport } from './import-runner';
import { IMPORT_HEARTBEAT_MS, ImportRepository } from './import.repository';
import type { ActingPerson } from '../audit/acting-person';

/** Media types the import endpoint takes, and the format each means. */
export const IMPORT_MEDIA_TYPES: Readonly<Record<string, 'json' | 'ndjson'>> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};

/** Largest upload accepted (spooled to a temporary file, never held in memory). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;

export interface StartImportCommand {
  body: Readable;
  contentType: string | undefined;
  requestedBy: string;
  requestedByPerson?: ActingPerson;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Starts a bulk import from an HTTP upload: the body is streamed to a temporary file (so the upload
 * completes whatever its size, in bounded memory), checked to look like the declared format, and
 * the import then runs in the background from that file; the caller polls the import document.
 * While this process runs imports it renews their heartbeat; every instance regularly marks
 * failed the running imports whose heartbeat is stale (their process stopped).
 */
@Injectable()
export class StartImportUseCase implements OnModuleInit, OnApplicationShutdown {
  private readonly running = new Map<string, Promise<ImportReport>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly imports: ImportRepository,
    @Inject(HSDS_STORE) private readonly store: HsdsStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Optional() private readonly changes?: DirectoryChanges,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.imports.ensureIndexes();
    await this.failInterrupted();
    this.timer = setInterval(() => void this.tick(), IMPORT_HEARTBEAT_MS);
    this.timer.unref();
  }

  private async failInterrupted(): Promise<void> {
    const interrupted = await this.imports.failInterrupted();
    if (interrupted > 0)
      this.logger.warn({ interrupted }, 'imports interrupted by a stopped instance marked failed');
  }

  private async tick(): Promise<void> {
    try {
      await this.imports.heartbeat([...this.running.keys()]);
      await this.failInterrupted();
    } catch (error: unknown) {
      this.logger.warn({ err: error }, 'import heartbeat failed; retried at the next interval');
    }
  }

  /** Waits for background imports (tests; shutdown gives them a bounded time). */
  async whenIdle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.race([this.whenIdle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  async execute(command: StartImportCommand): Promise<ImportReport> {
    const format = IMPORT_MEDIA_TYPES[mediaTypeOf(command.contentType)];
    if (!format) {
      command.body.resume();
      throw new DomainError(
        'IMPORT.UNSUPPORTED_MEDIA_TYPE',
        `Send the HSDS services as application/json (an array) or application/x-ndjson (one per line); got ${command.contentType ?? 'no Content-Type'}`,
        { status: 415 },
      );
    }
    const importId = randomUUID();
    const dir = await mkdtemp(join(tmpdir(), 'sp-import-'));
    const file = join(dir, `upload.${format}`);
    try {
      const bytes = await spool(command.body, file, format);
      const report = initialReport(importId, format);
      await this.imports.begin(report, {
        runner: 'service',
        requestedBy: command.requestedBy,
        ...(command.requestedByPerson ? { requestedByPerson: command.requestedByPerson } : {}),
        source: { contentType: mediaTypeOf(command.contentType), bytes },
      });
      // What the import wrote is announced when it ends (matching's snapshot follows it).
      const recording = this.changes?.recording(this.store) ?? { store: this.store, flush: () => undefined };
      const run = runImport({
        importId,
        format,
        source: fileElements(file, format),
        store: recording.store,
        journal: this.imports,
      })
        .catch(async (error: unknown) => {
          // the journal itself failed (database down): record it if we still can
          this.logger.error({ err: error, importId }, 'import failed');
          const failed = { ...report, status: 'failed' as const, error: String(error) };
          await this.imports.progress(failed).catch(() => undefined);
          return failed;
        })
        .then((final) => {
          this.logger.info({ importId, status: final.status, processed: final.processed }, 'import finished');
          return final;
        })
        .finally(() => {
          recording.flush();
          this.running.delete(importId);
          void rm(dir, { recursive: true, force: true });
        });
      this.running.set(importId, run);
      return report;
    } catch (error: unknown) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
}

/**
 * Copies the request body to `file`, refusing (413) more than MAX_IMPORT_BYTES and (400) a body
 * that is empty or, for JSON, does not start with "[". Returns the byte count.
 */
async function spool(body: Readable, file: string, format: 'json' | 'ndjson'): Promise<number> {
  let bytes = 0;
  let firstByte: number | undefined;
  const out = createWriteStream(file);
  try {
    // destroyOnReturn false: on a refusal the rest of the body is drained, not the socket destroyed,
    // so the problem response still reaches the client.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES) {
        throw new DomainError('REQUEST.TOO_LARGE', `The import is larger than ${MAX_IMPORT_BYTES} bytes`, {
          status: 413,
        });
      }
      if (firstByte === undefined) {
        firstByte = chunk.find((b) => !SKIPPED_LEADING_BYTES.has(b));
        if (firstByte !== undefined && format === 'json' && firstByte !== 0x5b) {
          throw new DomainError(
            'IMPORT.NOT_AN_ARRAY',
            'An application/json import must be a JSON array of HSDS services',
            {
              status: 400,
              problems: [{ field: 'body', code: 'not-an-array', message: 'expected a JSON array ("[")' }],
            },
          );
        }
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
  } catch (error: unknown) {
    body.resume();
    out.destroy();
    throw error;
  }
  if (firstByte === undefined) {
    throw new DomainError('IMPORT.EMPTY', 'The import body is empty', {
      status: 400,
      problems: [{ field: 'body', code: 'empty', message: 'send at least one HSDS service' }],
    });
  }
  return bytes;
}

/** Whitespace and the UTF-8 byte order mark, skipped when looking at how the body starts. */
const SKIPPED_LEADING_BYTES = new Set([0x20, 0x0a, 0x0d, 0x09, 0xef, 0xbb, 0xbf]);
