import { createReadStream } from 'node:fs';
import type { ImportElement, ImportFormat } from './import-runner';
import { readCsvPackage } from './parsing/csv-package';
import { parseJsonArray } from './parsing/json-array-stream';
import { parseNdjson } from './parsing/ndjson-stream';

type Chunk = Buffer | Uint8Array | string;

/** Nested HSDS services read from a JSON array or NDJSON byte stream. */
export async function* serviceElements(
  format: 'json' | 'ndjson',
  bytes: AsyncIterable<Chunk>,
): AsyncGenerator<ImportElement> {
  const parsed = format === 'json' ? parseJsonArray(bytes) : parseNdjson(bytes);
  for await (const element of parsed) {
    yield element.error !== undefined
      ? { index: element.index, error: element.error }
      : { index: element.index, value: element.value };
  }
}

/** Read size of file streams: small enough to keep memory flat, large enough to be cheap. */
const READ_CHUNK_BYTES = 64 * 1024;

/** The elements of an import file (JSON array, NDJSON) or tabular package directory (csv-dir). */
export function fileElements(path: string, format: ImportFormat): AsyncIterable<ImportElement> {
  if (format === 'csv-dir') return readCsvPackage(path);
  return serviceElements(format, createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }));
}

/** The format a file name suggests (`.ndjson`/`.jsonl` -> ndjson, a directory -> csv-dir). */
export function formatFromName(name: string, isDirectory: boolean): ImportFormat {
  if (isDirectory) return 'csv-dir';
  return /\.(ndjson|jsonl)$/i.test(name) ? 'ndjson' : 'json';
}
