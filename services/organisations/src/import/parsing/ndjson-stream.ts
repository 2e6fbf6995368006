import { StringDecoder } from 'node:string_decoder';
import { MAX_ELEMENT_CHARS, StreamFormatError, type ParsedElement } from './json-array-stream';

type Chunk = Buffer | Uint8Array | string;

/**
 * Splits a byte stream into lines (LF or CRLF; a UTF-8 character or CRLF may straddle chunks),
 * holding at most one line in memory. Yields each line with its 1-based line number.
 */
export async function* readLines(
  source: AsyncIterable<Chunk>,
  maxLineChars = MAX_ELEMENT_CHARS,
): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const split = function* (text: string): Generator<{ line: number; text: string }> {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const full = pending + text.slice(start, nl);
      pending = '';
      start = nl + 1;
      line += 1;
      yield { line, text: full.endsWith('\r') ? full.slice(0, -1) : full };
    }
    pending += text.slice(start);
    if (pending.length > maxLineChars) {
      throw new StreamFormatError(`Line ${line + 1} is longer than ${maxLineChars} characters`);
    }
  };
  for await (const chunk of source) {
    yield* split(typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk)));
  }
  yield* split(decoder.end());
  if (pending.length > 0) {
    line += 1;
    yield { line, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
  }
}

/**
 * Newline-delimited JSON: one value per line, blank lines skipped. `index` is the 1-based line
 * number, so a quarantine entry points at the line to fix. A line that is not JSON is yielded as
 * an error; the rest of the file is still read.
 */
export async function* parseNdjson(
  source: AsyncIterable<Chunk>,
  maxLineChars = MAX_ELEMENT_CHARS,
): AsyncGenerator<ParsedElement> {
  let first = true;
  for await (const { line, text } of readLines(source, maxLineChars)) {
    const body = first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    first = false;
    if (body.trim().length === 0) continue;
    try {
      yield { index: line, value: JSON.parse(body) as unknown };
    } catch (error: unknown) {
      yield {
        index: line,
        error: `Malformed JSON: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}
