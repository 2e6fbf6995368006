import { expectValidFhir } from '@sp/testing';
import type { CaseStatementDocument } from '../../case-record/what-matters/case-statement.entity';
import { DATA_ABSENT_REASON, toGoal } from './goal.resource';

const statement: CaseStatementDocument = {
  _id: 'goal-1',
  referralId: 'ref-1',
  organisationId: 'org-lw',
  kind: 'what-matters',
  text: 'Seeing my grandchildren',
  status: 'active',
  recordedAt: new Date('2026-06-01T23:30:00Z'),
  author: { clientId: 'portal', organisationId: 'org-lw' },
  createdAt: new Date('2026-06-02T08:00:00Z'),
  updatedAt: new Date('2026-06-02T08:00:00Z'),
  version: 3,
};
const referral = { patientKey: 'p'.repeat(64) };

describe('what matters as a FHIR Goal', () => {
  it('carries the words, the patient, the UK day it was agreed and the referral it addresses', () => {
    const goal = toGoal(statement, referral);
    expectValidFhir(goal);
    expect(goal).toEqual({
      resourceType: 'Goal',
      id: 'goal-1',
      meta: { versionId: '3', lastUpdated: '2026-06-02T08:00:00.000Z' },
      lifecycleStatus: 'active',
      description: { text: 'Seeing my grandchildren' },
      subject: { reference: `Patient/${'p'.repeat(64)}` },
      // 23:30 UTC on 1 June is 2 June in the UK.
      startDate: '2026-06-02',
      expressedBy: { reference: `Patient/${'p'.repeat(64)}` },
      addresses: [{ reference: 'ServiceRequest/ref-1' }],
    });
  });

  it('achieved is completed (achievementStatus achieved); no longer relevant is cancelled', () => {
    const achieved = toGoal(
      { ...statement, status: 'achieved', statusChangedAt: new Date('2026-06-05T10:00:00Z') },
      referral,
    );
    expect(achieved).toMatchObject({
      lifecycleStatus: 'completed',
      achievementStatus: { coding: [{ code: 'achieved' }] },
      statusDate: '2026-06-05',
    });
    expect(toGoal({ ...statement, status: 'no-longer-relevant' }, referral).lifecycleStatus).toBe(
      'cancelled',
    );
  });

  it('after redaction the description says the text was masked (still valid R4)', () => {
    const { text: _text, ...redacted } = statement;
    const goal = toGoal({ ...redacted, redactedAt: new Date('2026-06-06T00:00:00Z') }, referral);
    expectValidFhir(goal);
    expect(goal.description).toEqual({ extension: [{ url: DATA_ABSENT_REASON, valueCode: 'masked' }] });
  });
});
