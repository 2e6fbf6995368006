import { StringDecoder } from 'node:string_decoder';

/** One element of the input: its position and either its parsed value or why it could not be read. */
export type ParsedElement =
  { index: number; value: unknown; error?: never } | { index: number; value?: never; error: string };

/** Thrown when the input as a whole cannot be read (not an array, truncated, an element too large). */
export class StreamFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamFormatError';
  }
}

/** An element larger than this is refused: it bounds the memory one element can take. */
export const MAX_ELEMENT_CHARS = 8 * 1024 * 1024;

type Chunk = Buffer | Uint8Array | string;

/**
 * Reads a top-level JSON array element by element from a byte stream, without holding more than
 * one element in memory. The scanner only tracks nesting depth and string/escape state so chunks
 * may split anywhere (inside strings, escapes or multi-byte UTF-8 characters); each complete
 * element is handed to JSON.parse. A malformed element is yielded as an error and the scan goes
 * on at the next element; a structural problem of the array itself throws StreamFormatError.
 */
export async function* parseJsonArray(
  source: AsyncIterable<Chunk>,
  maxElementChars = MAX_ELEMENT_CHARS,
): AsyncGenerator<ParsedElement> {
  const decoder = new StringDecoder('utf8');
  let state: 'start' | 'expect-element' | 'in-element' | 'after-element' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = '';
  let index = 0;
  let first = true;

  const scan = function* (text: string): Generator<ParsedElement> {
    let elementStart = state === 'in-element' ? 0 : -1;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (state === 'in-element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth += 1;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) {
            // a scalar element ended by the closing bracket of the array
            yield finish(element + text.slice(elementStart, i));
            state = 'done';
            elementStart = -1;
            continue;
          }
          depth -= 1;
          if (depth === 0 && isContainerElement(element, text, elementStart)) {
            yield finish(element + text.slice(elementStart, i + 1));
            state = 'after-element';
            elementStart = -1;
          }
        } else if (c === 0x2c && depth === 0) {
          yield finish(element + text.slice(elementStart, i));
          state = 'expect-element';
          elementStart = -1;
        }
        continue;
      }
      if (isWhitespace(c) || (first && c === 0xfeff)) continue;
      first = false;
      if (state === 'start') {
        if (c !== 0x5b) throw new StreamFormatError('The document is not a JSON array (expected "[")');
        state = 'expect-element';
      } else if (state === 'expect-element') {
        if (c === 0x5d && index === 0) {
          state = 'done';
          continue;
        }
        if (c === 0x2c || c === 0x5d) throw new StreamFormatError(`Missing array element at index ${index}`);
        state = 'in-element';
        element = '';
        elementStart = i;
        depth = 0;
        inString = false;
        escaped = false;
        i -= 1; // rescan this character inside the element
      } else if (state === 'after-element') {
        if (c === 0x2c) state = 'expect-element';
        else if (c === 0x5d) state = 'done';
        else throw new StreamFormatError(`Expected "," or "]" after array element ${index - 1}`);
      } else {
        throw new StreamFormatError('Unexpected content after the end of the array');
      }
    }
    if (state === 'in-element' && elementStart >= 0) {
      element += text.slice(elementStart);
      if (element.length > maxElementChars) {
        throw new StreamFormatError(`Array element ${index} is larger than ${maxElementChars} characters`);
      }
    }
  };

  const finish = (raw: string): ParsedElement => {
    element = '';
    const at = index;
    index += 1;
    try {
      return { index: at, value: JSON.parse(raw) as unknown };
    } catch (error: unknown) {
      return {
        index: at,
        error: `Malformed JSON: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };

  for await (const chunk of source) {
    yield* scan(typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk)));
  }
  yield* scan(decoder.end());
  if (state === 'start') throw new StreamFormatError('The document is empty (expected a JSON array)');
  if (state !== 'done') throw new StreamFormatError('The document ended before the array was closed');
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** True when the element being closed started with "{" or "[" (a container, ended by its bracket). */
function isContainerElement(element: string, text: string, elementStart: number): boolean {
  const head = element.length > 0 ? element : text.slice(elementStart);
  const c = head.trimStart().charCodeAt(0);
  return c === 0x7b || c === 0x5b;
}
