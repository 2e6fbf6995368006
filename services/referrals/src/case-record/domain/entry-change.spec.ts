import type { Actor } from '../../domain/referral-intake.rules';
import { changeableEntry } from './entry-change';

const org = 'org-1';
const worker = (sub: string): Actor => ({
  clientId: 'sp-portal',
  organisationId: org,
  role: 'link-worker',
  person: { sub, teamRole: 'worker' },
});
const lead: Actor = { ...worker('lead'), person: { sub: 'lead', teamRole: 'team-lead' } };
const entry = { author: { clientId: 'sp-portal', organisationId: org, person: { sub: 'ali' } }, version: 3 };

describe('changeableEntry', () => {
  it('returns the entry for its author and for a team lead', () => {
    expect(changeableEntry('note', 'n-1', entry, worker('ali'), undefined)).toBe(entry);
    expect(changeableEntry('note', 'n-1', entry, lead, 3)).toBe(entry);
  });

  it('refuses a missing entry (404), another worker (403) and a stale If-Match (412), in that order', () => {
    expect(() => changeableEntry('note', 'n-1', null, worker('ali'), 1)).toThrow(
      expect.objectContaining({ code: 'CASE_RECORD.NOT_FOUND', status: 404 }),
    );
    expect(() => changeableEntry('note', 'n-1', entry, worker('bea'), 1)).toThrow(
      expect.objectContaining({ code: 'CASE_RECORD.NOT_AUTHOR', status: 403 }),
    );
    expect(() => changeableEntry('note', 'n-1', entry, worker('ali'), 2)).toThrow(
      expect.objectContaining({ code: 'CASE_RECORD.VERSION_MISMATCH', status: 412 }),
    );
  });
});
