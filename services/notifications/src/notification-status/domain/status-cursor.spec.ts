import { decodeCursor, encodeCursor } from './status-cursor';

describe('status list cursor', () => {
  it('round-trips a position', () => {
    const at = new Date('2026-12-03T10:00:00.123Z');
    expect(decodeCursor(encodeCursor({ createdAt: at, id: 'e1:org|email|contact-email' }))).toEqual({
      createdAt: at,
      id: 'e1:org|email|contact-email',
    });
  });

  it('refuses text it did not make', () => {
    expect(decodeCursor('bm90LWpzb24')).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeUndefined();
    expect(decodeCursor('%%%')).toBeUndefined();
  });
});
