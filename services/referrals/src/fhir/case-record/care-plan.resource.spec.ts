import type { CaseNeedDocument } from '../../case-record/needs/case-need.entity';
import type { PlanActionDocument } from '../../case-record/plan/plan-action.entity';
import type { CaseStatementDocument } from '../../case-record/what-matters/case-statement.entity';
import { expectValidFhir } from '@sp/testing';
import { PERSON_SUB_SYSTEM } from '../fhir.constants';
import { carePlanStatus, toCarePlan, type CarePlanParts } from './care-plan.resource';

const t = (iso: string) => new Date(iso);
const author = { clientId: 'portal', organisationId: 'org-lw', person: { sub: 'ali', name: 'Ali' } };
const referral: CarePlanParts['referral'] = {
  _id: 'ref-1',
  status: 'in-progress',
  patientKey: 'k'.repeat(64),
  ownerOrganisationId: 'org-lw',
  consent: {
    given: true,
    recordedBy: 'Dr',
    recordedAt: t('2026-12-01T09:00:00Z'),
    scope: 'share-with-receiving-service',
  },
};

function action(id: string, extra: Partial<PlanActionDocument> = {}): PlanActionDocument {
  return {
    _id: id,
    referralId: 'ref-1',
    organisationId: 'org-lw',
    description: `Action ${id}`,
    owner: { kind: 'patient' },
    dueDate: '2026-12-10',
    status: 'planned',
    author,
    createdAt: t('2026-12-02T10:00:00Z'),
    updatedAt: t('2026-12-02T10:00:00Z'),
    version: 1,
    ...extra,
  };
}

const goal: CaseStatementDocument = {
  _id: 'goal-1',
  referralId: 'ref-1',
  organisationId: 'org-lw',
  kind: 'what-matters',
  text: 'Swimming',
  status: 'active',
  recordedAt: t('2026-12-02T10:00:00Z'),
  author,
  createdAt: t('2026-12-02T10:00:00Z'),
  updatedAt: t('2026-12-03T10:00:00Z'),
  version: 1,
};

const need: CaseNeedDocument = {
  _id: 'need-a',
  referralId: 'ref-1',
  organisationId: 'org-lw',
  code: '422650009',
  addedAt: t('2026-12-02T10:00:00Z'),
  addedBy: author,
  resolvedAt: t('2026-12-03T11:00:00Z'),
  resolvedBy: author,
  createdAt: t('2026-12-02T10:00:00Z'),
  updatedAt: t('2026-12-03T11:00:00Z'),
  version: 2,
};

describe('the support plan as a FHIR CarePlan', () => {
  it('maps the plan: subject, referral, goals, needs, one activity per action (R4 valid)', () => {
    const plan = toCarePlan({
      referral,
      actions: [
        action('a1', {
          status: 'in-progress',
          onwardReferralId: 'child-1',
          owner: { kind: 'worker', sub: 'ali', display: 'Ali' },
        }),
        action('a2', { status: 'done', owner: { kind: 'organisation', organisationId: 'org-vcs' } }),
      ],
      goals: [goal],
      needs: [need],
    });
    expectValidFhir(plan);
    expect(plan).toMatchObject({
      id: 'ref-1',
      status: 'active',
      intent: 'plan',
      subject: { reference: `Patient/${'k'.repeat(64)}` },
      supportingInfo: [{ reference: 'ServiceRequest/ref-1' }],
      goal: [{ reference: 'Goal/goal-1' }],
      addresses: [{ reference: '#need-1' }],
      created: '2026-12-02T10:00:00.000Z',
      meta: { lastUpdated: '2026-12-03T11:00:00.000Z' },
    });
    expect(plan.contained).toEqual([
      expect.objectContaining({
        resourceType: 'Condition',
        id: 'need-1',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '422650009' }] },
        clinicalStatus: { coding: [expect.objectContaining({ code: 'resolved' })] },
        abatementDateTime: '2026-12-03T11:00:00.000Z',
      }),
    ]);
    expect(plan.activity?.[0]).toEqual({
      outcomeReference: [{ reference: 'ServiceRequest/child-1' }],
      detail: {
        kind: 'ServiceRequest',
        status: 'in-progress',
        description: 'Action a1',
        scheduledPeriod: { end: '2026-12-10' },
        performer: [
          { type: 'Practitioner', identifier: { system: PERSON_SUB_SYSTEM, value: 'ali' }, display: 'Ali' },
        ],
      },
    });
    expect(plan.activity?.[1]?.detail).toMatchObject({
      status: 'completed',
      performer: [{ type: 'Organization', identifier: { value: 'org-vcs' } }],
    });
    expect(plan.activity?.[1]).not.toHaveProperty('outcomeReference');
  });

  it('after redaction the activity has no description and no owner display', () => {
    const plan = toCarePlan({
      referral: { ...referral, consent: { ...referral.consent, withdrawnAt: t('2026-12-04T00:00:00Z') } },
      actions: [
        action('a1', {
          description: undefined,
          owner: { kind: 'worker', sub: 'ali' },
          redactedAt: t('2026-12-04T00:00:00Z'),
        }),
      ],
      goals: [],
      needs: [],
    });
    expectValidFhir(plan);
    expect(plan.status).toBe('revoked');
    expect(plan.activity?.[0]?.detail).not.toHaveProperty('description');
    expect(plan.activity?.[0]?.detail?.performer?.[0]).not.toHaveProperty('display');
    expect(plan).not.toHaveProperty('contained');
    expect(plan).not.toHaveProperty('goal');
  });

  it('takes its status from the referral', () => {
    const status = (s: string, withdrawn = false) =>
      carePlanStatus({
        ...referral,
        status: s as never,
        consent: withdrawn
          ? { ...referral.consent, withdrawnAt: t('2026-12-04T00:00:00Z') }
          : referral.consent,
      });
    expect(
      [
        'requested',
        'accepted',
        'in-progress',
        'on-hold',
        'completed',
        'cancelled',
        'rejected',
        'failed',
        'entered-in-error',
      ].map((s) => status(s)),
    ).toEqual([
      'active',
      'active',
      'active',
      'on-hold',
      'completed',
      'revoked',
      'revoked',
      'revoked',
      'entered-in-error',
    ]);
    expect(status('in-progress', true)).toBe('revoked');
  });
});
