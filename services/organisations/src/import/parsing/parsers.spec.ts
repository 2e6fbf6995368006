import { parseCsvRecords, parseCsvRows } from './csv-stream';
import { parseJsonArray, StreamFormatError, type ParsedElement } from './json-array-stream';
import { parseNdjson } from './ndjson-stream';

async function* chunksOf(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(at, at + size);
    at += size;
    i += 1;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

const tricky = [
  {
    id: 'a',
    name: 'Caf\u00e9 "quoted" \\ back\\slash, [brackets] {braces}',
    emoji: '\ud83d\ude00',
    n: -1.5e3,
  },
  { id: 'b', nested: { list: [1, [2, { x: '}' }], '\\"'] }, unicode: '\\u00e9 \u00e9', empty: {} },
  { id: 'c', s: '\n\t\r', t: null, u: true, v: [] },
];

describe('parseJsonArray', () => {
  const text = Buffer.from(`\ufeff [\n ${tricky.map((o) => JSON.stringify(o, null, 1)).join(' ,\n')} \n]\n`);

  it('yields the same elements however the bytes are split (every split point, inside strings, escapes and UTF-8)', async () => {
    for (let cut = 1; cut < text.length; cut += 1) {
      const elements = await collect(parseJsonArray(chunksOf(text, [cut, text.length])));
      expect(elements.map((e) => e.value)).toEqual(tricky);
    }
  });

  it('yields the same elements fed one byte at a time', async () => {
    const elements = await collect(parseJsonArray(chunksOf(text, [1])));
    expect(elements).toEqual(tricky.map((value, index) => ({ index, value })));
  });

  it('reports a malformed element and goes on with the next', async () => {
    const elements = await collect(
      parseJsonArray(chunksOf(Buffer.from('[{"id":"a"}, {"id": x}, {"id":"c"}]'), [3])),
    );
    expect(elements.map((e) => e.value ?? 'error')).toEqual([{ id: 'a' }, 'error', { id: 'c' }]);
    expect((elements[1] as ParsedElement).error).toMatch(/Malformed JSON/);
    expect(elements[2]?.index).toBe(2);
  });

  it('reads scalars and an empty array', async () => {
    expect(
      (await collect(parseJsonArray(chunksOf(Buffer.from('[1, "x", null]'), [2])))).map((e) => e.value),
    ).toEqual([1, 'x', null]);
    expect(await collect(parseJsonArray(chunksOf(Buffer.from(' [ ] '), [1])))).toEqual([]);
  });

  it.each([
    ['{"id":"a"}', /not a JSON array/],
    ['', /empty/],
    ['[{"id":"a"}', /ended before the array was closed/],
    ['[{"id":"a"} {"id":"b"}]', /Expected "," or "]"/],
    ['[{"id":"a"}] x', /after the end of the array/],
    ['[,{"id":"a"}]', /Missing array element/],
  ])('refuses %j as a whole', async (input, message) => {
    await expect(collect(parseJsonArray(chunksOf(Buffer.from(input), [4])))).rejects.toThrow(message);
  });

  it('refuses an element larger than the limit (bounded memory)', async () => {
    const big = Buffer.from(`[${JSON.stringify({ id: 'x', pad: 'y'.repeat(500) })}]`);
    await expect(collect(parseJsonArray(chunksOf(big, [64]), 100))).rejects.toBeInstanceOf(StreamFormatError);
  });
});

describe('parseNdjson', () => {
  const text = Buffer.from(
    `${tricky.map((o) => JSON.stringify(o)).join('\r\n')}\n\n{bad json}\n{"id":"last"}`,
  );

  it('yields one value per line with its line number, however split, CRLF straddling chunks', async () => {
    for (let cut = 1; cut < text.length; cut += 7) {
      const elements = await collect(parseNdjson(chunksOf(text, [cut])));
      expect(elements.map((e) => e.index)).toEqual([1, 2, 3, 5, 6]);
      expect(elements.filter((e) => e.error === undefined).map((e) => e.value)).toEqual([
        ...tricky,
        { id: 'last' },
      ]);
      expect(elements[3]?.error).toMatch(/Malformed JSON/);
    }
  });
});

describe('parseCsvRows / parseCsvRecords', () => {
  const csv = Buffer.from(
    '\ufeffid,name,description\r\n1,"Caf\u00e9, ""The"" Place","two\r\nlines"\r\n2,plain,\n\n3,x,"y"\n',
  );

  it('handles quotes, doubled quotes, commas and line breaks in cells, CRLF, any split', async () => {
    for (let cut = 1; cut < csv.length; cut += 1) {
      const rows = await collect(parseCsvRows(chunksOf(csv, [cut])));
      expect(rows).toEqual([
        ['id', 'name', 'description'],
        ['1', 'Caf\u00e9, "The" Place', 'two\r\nlines'],
        ['2', 'plain', ''],
        [''],
        ['3', 'x', 'y'],
      ]);
    }
  });

  it('maps rows to the header with spreadsheet row numbers, skipping blank lines', async () => {
    const records = await collect(parseCsvRecords(chunksOf(csv, [16])));
    expect(records.map((r) => [r.row, r.values['id'], r.values['description']])).toEqual([
      [2, '1', 'two\r\nlines'],
      [3, '2', ''],
      [5, '3', 'y'],
    ]);
  });
});
