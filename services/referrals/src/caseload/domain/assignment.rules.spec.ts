import type { Actor } from '../../domain/referral-intake.rules';
import {
  decideAssignment,
  maySetCaseloadLimit,
  type AssigneeFacts,
  type AssignmentRequest,
} from './assignment.rules';

const org = 'org-lw';
const lead: Actor = {
  clientId: 'portal',
  organisationId: org,
  role: 'link-worker',
  person: { sub: 'lead', teamRole: 'team-lead' },
};
const ali: Actor = {
  clientId: 'portal',
  organisationId: org,
  role: 'link-worker',
  person: { sub: 'ali', teamRole: 'worker' },
};
const client: Actor = { clientId: 'case-system', organisationId: org, role: 'link-worker' };
const on = (sub: string, caseloadLimit: number | null = null, openAssigned = 0): AssigneeFacts => ({
  sub,
  caseloadLimit,
  openAssigned,
});

describe('decideAssignment', () => {
  it('lets a worker take an unassigned referral and give back their own', () => {
    expect(decideAssignment(ali, undefined, { assigneeSub: 'ali' }, on('ali'))).toEqual({
      outcome: 'change',
      action: 'assigned',
    });
    expect(decideAssignment(ali, 'ali', {}, undefined)).toEqual({
      outcome: 'change',
      action: 'unassigned',
      previousAssigneeSub: 'ali',
    });
  });

  it.each<[string, string | undefined, AssignmentRequest]>([
    ['assign someone else', undefined, { assigneeSub: 'bea' }],
    ['take over a colleague’s referral', 'bea', { assigneeSub: 'ali', reasonCode: 'leave' }],
    ['unassign a colleague', 'bea', {}],
  ])('refuses a worker who tries to %s (team lead required)', (_what, current, request) => {
    const decision = decideAssignment(ali, current, request, on(request.assigneeSub ?? 'x'));
    expect(decision).toMatchObject({ outcome: 'refused', refusal: { code: 'TEAM_LEAD_REQUIRED' } });
  });

  it('lets a team lead and an API client assign, reassign and unassign anyone', () => {
    for (const actor of [lead, client]) {
      expect(decideAssignment(actor, undefined, { assigneeSub: 'bea' }, on('bea'))).toMatchObject({
        action: 'assigned',
      });
      expect(decideAssignment(actor, 'bea', { assigneeSub: 'ali', reasonCode: 'leave' }, on('ali'))).toEqual({
        outcome: 'change',
        action: 'reassigned',
        previousAssigneeSub: 'bea',
      });
      expect(decideAssignment(actor, 'bea', {}, undefined)).toMatchObject({ action: 'unassigned' });
    }
  });

  it('needs a coded reason for a reassignment, naming reasonCode', () => {
    expect(decideAssignment(lead, 'bea', { assigneeSub: 'ali' }, on('ali'))).toEqual({
      outcome: 'refused',
      refusal: expect.objectContaining({ code: 'REASON_REQUIRED', field: 'reasonCode' }),
    });
  });

  it('refuses an assignee who is not on the roster, naming assigneeSub', () => {
    expect(decideAssignment(lead, undefined, { assigneeSub: 'zed' }, undefined)).toEqual({
      outcome: 'refused',
      refusal: expect.objectContaining({ code: 'NOT_ON_ROSTER', field: 'assigneeSub' }),
    });
  });

  it('refuses to take an assignee over their caseload limit unless a team lead overrides', () => {
    const full = on('ali', 3, 3);
    expect(decideAssignment(ali, undefined, { assigneeSub: 'ali' }, full)).toEqual({
      outcome: 'refused',
      refusal: expect.objectContaining({ code: 'LIMIT_REACHED', limit: 3, openAssigned: 3 }),
    });
    expect(decideAssignment(client, undefined, { assigneeSub: 'ali' }, full)).toMatchObject({
      refusal: { code: 'LIMIT_REACHED' },
    });
    expect(
      decideAssignment(lead, undefined, { assigneeSub: 'ali', overrideLimit: true }, full),
    ).toMatchObject({ outcome: 'change', action: 'assigned' });
    expect(decideAssignment(lead, undefined, { assigneeSub: 'ali' }, on('ali', 3, 2))).toMatchObject({
      outcome: 'change',
    });
    expect(decideAssignment(lead, undefined, { assigneeSub: 'ali' }, on('ali', 0, 0))).toMatchObject({
      refusal: { code: 'LIMIT_REACHED', limit: 0 },
    });
  });

  it('lets only a signed-in team lead override a limit', () => {
    for (const actor of [ali, client]) {
      expect(
        decideAssignment(actor, undefined, { assigneeSub: 'ali', overrideLimit: true }, on('ali', 3, 3)),
      ).toMatchObject({ refusal: { code: 'OVERRIDE_NOT_PERMITTED' } });
    }
  });

  it('changes nothing when the referral already has that holder (or is already unassigned)', () => {
    expect(decideAssignment(lead, 'ali', { assigneeSub: 'ali' }, on('ali', 1, 5))).toEqual({
      outcome: 'unchanged',
    });
    expect(decideAssignment(ali, undefined, {}, undefined)).toEqual({ outcome: 'unchanged' });
  });
});

describe('maySetCaseloadLimit', () => {
  it('is for signed-in team leads only', () => {
    expect([lead, ali, client].map(maySetCaseloadLimit)).toEqual([true, false, false]);
  });
});
