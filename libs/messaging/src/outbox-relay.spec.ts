import type { OutboxEntry } from './outbox-entry';
import { inWriteOrder } from './outbox-relay';

function entry(id: string, at: string): OutboxEntry {
  return { id, topic: 't', key: 'k', value: '{}', headers: {}, createdAt: new Date(at) };
}

describe('inWriteOrder (the order a relay pass publishes in)', () => {
  it('interleaves documents by write time (an organisation and its service written alternately)', () => {
    const organisation = [
      entry('registered', '2026-01-01T00:00:00.001Z'),
      entry('suspended', '2026-01-01T00:00:00.005Z'),
    ];
    const service = [
      entry('published', '2026-01-01T00:00:00.002Z'),
      entry('republished', '2026-01-01T00:00:00.004Z'),
    ];
    expect(inWriteOrder([organisation, service]).map((e) => e.id)).toEqual([
      'registered',
      'published',
      'republished',
      'suspended',
    ]);
  });

  it("never reorders one document's entries, even if their clocks disagree", () => {
    const skewed = [entry('first', '2026-01-01T00:00:00.009Z'), entry('second', '2026-01-01T00:00:00.001Z')];
    const other = [entry('other', '2026-01-01T00:00:00.005Z')];
    expect(inWriteOrder([skewed, other]).map((e) => e.id)).toEqual(['other', 'first', 'second']);
  });

  it('keeps the read order of documents for entries written in the same millisecond', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(inWriteOrder([[entry('a1', at), entry('a2', at)], [entry('b1', at)]]).map((e) => e.id)).toEqual([
      'a1',
      'a2',
      'b1',
    ]);
  });

  it('accepts createdAt read back as a string and returns every entry exactly once', () => {
    const asString = {
      ...entry('s', '2026-01-01T00:00:00.003Z'),
      createdAt: '2026-01-01T00:00:00.003Z' as unknown as Date,
    };
    const out = inWriteOrder([[entry('x', '2026-01-01T00:00:00.004Z')], [], [asString]]);
    expect(out.map((e) => e.id)).toEqual(['s', 'x']);
    expect(inWriteOrder([])).toEqual([]);
  });
});
