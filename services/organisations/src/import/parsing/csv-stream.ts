import { StringDecoder } from 'node:string_decoder';
import { MAX_ELEMENT_CHARS, StreamFormatError } from './json-array-stream';

type Chunk = Buffer | Uint8Array | string;

/**
 * RFC 4180 CSV rows from a byte stream: quoted cells may hold commas, doubled quotes and line
 * breaks; rows end with LF or CRLF; chunks may split anywhere. Holds one row in memory. A leading
 * UTF-8 BOM is dropped.
 */
export async function* parseCsvRows(
  source: AsyncIterable<Chunk>,
  maxRowChars = MAX_ELEMENT_CHARS,
): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let row: string[] = [];
  let cell = '';
  let inQuotes = false;
  let quotePending = false; // saw a quote inside a quoted cell: end of cell or an escaped quote
  let rowChars = 0;
  let first = true;
  let pendingCr = false;

  const endRow = (): string[] => {
    row.push(cell);
    const done = row;
    row = [];
    cell = '';
    rowChars = 0;
    return done;
  };

  const scan = function* (text: string): Generator<string[]> {
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i] as string;
      if (first) {
        first = false;
        if (c === '\ufeff') continue;
      }
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue;
      }
      rowChars += 1;
      if (rowChars > maxRowChars)
        throw new StreamFormatError(`A CSV row is longer than ${maxRowChars} characters`);
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (c === '"') {
            cell += '"';
            continue;
          }
          inQuotes = false; // the quote closed the cell; handle c below as unquoted
        } else if (c === '"') {
          quotePending = true;
          continue;
        } else {
          cell += c;
          continue;
        }
      }
      if (c === '"' && cell === '') {
        inQuotes = true;
        continue;
      }
      if (c === ',') {
        row.push(cell);
        cell = '';
      } else if (c === '\r' || c === '\n') {
        if (c === '\r') pendingCr = true;
        yield endRow();
      } else {
        cell += c;
      }
    }
  };

  for await (const chunk of source) {
    yield* scan(typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk)));
  }
  yield* scan(decoder.end());
  if (inQuotes && !quotePending) throw new StreamFormatError('The CSV file ends inside a quoted cell');
  if (cell !== '' || row.length > 0) yield endRow();
}

/** Rows as objects keyed by the header row, with the 1-based row number (header = row 1). */
export async function* parseCsvRecords(
  source: AsyncIterable<Chunk>,
): AsyncGenerator<{ row: number; values: Record<string, string> }> {
  let header: string[] | undefined;
  let row = 0;
  for await (const cells of parseCsvRows(source)) {
    row += 1;
    if (!header) {
      header = cells.map((h) => h.trim());
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue; // blank line
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      values[name] = cells[i] ?? '';
    });
    yield { row, values };
  }
}
