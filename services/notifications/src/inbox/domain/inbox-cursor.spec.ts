import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor';

describe('inbox cursor', () => {
  it('round-trips a position as an opaque url-safe text', () => {
    const position = { deliveredAt: new Date('2026-12-03T10:00:00.123Z'), id: 'e1:org-a:person/1' };
    const text = encodeInboxCursor(position);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeInboxCursor(text)).toEqual(position);
  });

  it.each([
    ['not base64 json', '!!!'],
    ['json but not a position', Buffer.from('{"a":1}').toString('base64url')],
    ['an empty id', Buffer.from('[1,""]').toString('base64url')],
    ['a fractional time', Buffer.from('[1.5,"x"]').toString('base64url')],
    ['a negative time', Buffer.from('[-1,"x"]').toString('base64url')],
    ['three elements', Buffer.from('[1,"x",2]').toString('base64url')],
  ])('refuses %s', (_label, text) => {
    expect(decodeInboxCursor(text)).toBeUndefined();
  });
});
