import { randomBytes } from 'node:crypto';
import { cookieValue, signBoardSession, verifyBoardSession } from './board-session';

describe('board session', () => {
  const key = randomBytes(32);
  const session = { clientId: 'ops-console', organisationId: 'org-ops', expiresAt: 1_000 };

  it('verifies what it signed until it expires', () => {
    const text = signBoardSession(session, key);
    expect(verifyBoardSession(text, key, 999)).toEqual(session);
    expect(verifyBoardSession(text, key, 1_000)).toBeUndefined();
  });

  it('refuses another key, a changed payload and text that is not a session', () => {
    const text = signBoardSession(session, key);
    expect(verifyBoardSession(text, randomBytes(32), 0)).toBeUndefined();
    const [, mac] = text.split('.');
    const forged = Buffer.from(JSON.stringify({ ...session, expiresAt: 9_999 })).toString('base64url');
    expect(verifyBoardSession(`${forged}.${mac}`, key, 0)).toBeUndefined();
    expect(verifyBoardSession('nonsense', key, 0)).toBeUndefined();
    expect(verifyBoardSession('.abc', key, 0)).toBeUndefined();
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; sp_ops_board=x.y; b=2', 'sp_ops_board')).toBe('x.y');
    expect(cookieValue('a=1', 'sp_ops_board')).toBeUndefined();
    expect(cookieValue(undefined, 'sp_ops_board')).toBeUndefined();
  });
});
