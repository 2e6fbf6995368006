import { decodeFailedCursor, encodeFailedCursor, isAfter } from './failed-cursor';

describe('failed jobs cursor', () => {
  it('round-trips and refuses what it did not make', () => {
    const cursor = { failedAt: 1_700_000_000_000, id: 'evt-1:org-a' };
    expect(decodeFailedCursor(encodeFailedCursor(cursor))).toEqual(cursor);
    expect(decodeFailedCursor('!!')).toBeUndefined();
    expect(decodeFailedCursor(Buffer.from('[1,""]').toString('base64url'))).toBeUndefined();
  });

  it('orders by failure time, newest first, then by id descending (as Redis reads a score tie)', () => {
    const cursor = { failedAt: 100, id: 'm' };
    expect(isAfter({ failedAt: 99, id: 'z' }, cursor)).toBe(true);
    expect(isAfter({ failedAt: 100, id: 'a' }, cursor)).toBe(true);
    expect(isAfter({ failedAt: 100, id: 'm' }, cursor)).toBe(false);
    expect(isAfter({ failedAt: 100, id: 'z' }, cursor)).toBe(false);
    expect(isAfter({ failedAt: 101, id: 'a' }, cursor)).toBe(false);
  });
});
