import { intakeProblems, type Actor, type IntakeFacts } from './referral-intake.rules';

const now = new Date('2026-11-21T10:00:00Z');
const gp: Actor = {
  clientId: 'riverside-gp',
  organisationId: 'org-riverside',
  odsCode: 'A81001',
  role: 'referrer',
};
const valid: IntakeFacts = {
  patient: { nhsNumber: '9434765919', birthDate: '1950-03-01' },
  requesterOdsCode: 'A81001',
  needs: ['sp-need-loneliness', '871731000000106'],
  consent: { given: true, recordedAt: '2026-11-21T09:00:00Z' },
};

describe('intakeProblems', () => {
  it('accepts a valid referral from its own practice', () => {
    expect(intakeProblems(valid, gp, now)).toEqual([]);
  });

  it('names every problem at once', () => {
    const problems = intakeProblems(
      {
        patient: { nhsNumber: '9434765918', birthDate: '2030-01-01' },
        requesterOdsCode: 'A81002',
        needs: ['sp-need-loneliness', 'made-up'],
        consent: { given: false, recordedAt: '2026-11-21T09:00:00Z' },
      },
      gp,
      now,
    );
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'patient.nhsNumber:invalid_check_digit',
      'patient.birthDate:in_future',
      'requesterOdsCode:not_your_organisation',
      'needs[1]:unknown_code',
      'consent.given:consent_required',
    ]);
  });

  it('refuses a malformed NHS number as a format problem', () => {
    expect(
      intakeProblems({ ...valid, patient: { ...valid.patient, nhsNumber: '12345' } }, gp, now)[0]?.code,
    ).toBe('invalid_format');
  });

  it('refuses consent recorded in the future', () => {
    const problems = intakeProblems(
      { ...valid, consent: { given: true, recordedAt: '2026-11-22T10:00:00Z' } },
      gp,
      now,
    );
    expect(problems.map((p) => p.field)).toEqual(['consent.recordedAt']);
  });
});
