import type { ReferralDocument, ReferralHistoryEntry, ReferralPatient } from './referral.entity';

const iso = (d: Date | string | undefined): string | undefined =>
  d === undefined ? undefined : new Date(d).toISOString();

export interface ReferralHistoryView {
  version: number;
  at: string;
  by: { organisationId: string; role: string; person?: { sub: string; name?: string } };
  action: string;
  from: string | null;
  to: string;
  reason?: { code: string; text?: string };
  childReferralId?: string;
  /** assigned | reassigned | unassigned: to whom, from whom, why. */
  assignment?: ReferralHistoryEntry['assignment'];
}

export interface ChildSummaryView {
  id: string;
  status: string;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  reroutedFromReferralId?: string;
  statusReason?: { code: string };
  updatedAt: string;
}

/** What an authorised party sees of a referral over the JSON API. */
export interface ReferralView {
  id: string;
  status: string;
  version: number;
  requesterOrganisationId: string;
  requesterOdsCode: string;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  parentReferralId?: string;
  reroutedFromReferralId?: string;
  childReferralIds: string[];
  children?: ChildSummaryView[];
  needs: string[];
  priority: string;
  /** As stored: with sex, postcode and ethnicCategory when given (shown as the date of birth is). */
  patient: ReferralPatient;
  consent: {
    given: boolean;
    recordedBy: string;
    recordedAt: string;
    scope: string;
    withdrawnAt?: string;
    withdrawnBy?: { organisationId: string; role: string };
  };
  doNotContact: boolean;
  note?: string;
  statusReason?: { code: string; text?: string };
  outcome?: { codes: string[]; note?: string };
  wellbeing?: ReferralDocument['wellbeing'];
  /** Who in the owning organisation holds the case now (absent when nobody does). */
  assignment?: { assigneeSub: string; assigneeName?: string; assignedAt: string; version: number };
  /** When the patient was first reached (case record: the first `reached` contact). */
  firstContactAt?: string;
  /** Earliest due moment of the support plan's open actions (case record). */
  planNextDueAt?: string;
  respondBy: string;
  remindAt: string;
  createdAt: string;
  updatedAt: string;
  history: ReferralHistoryView[];
}

export function toHistoryView(r: ReferralDocument): ReferralHistoryView[] {
  return r.history.map((h) => ({
    version: h.version,
    at: new Date(h.at).toISOString(),
    by: {
      organisationId: h.by.organisationId,
      role: h.by.role,
      ...(h.by.person ? { person: { ...h.by.person } } : {}),
    },
    action: h.action,
    from: h.from,
    to: h.to,
    ...(h.reason ? { reason: h.reason } : {}),
    ...(h.childReferralId ? { childReferralId: h.childReferralId } : {}),
    ...(h.assignment ? { assignment: h.assignment } : {}),
  }));
}

export function toChildSummary(c: ReferralDocument): ChildSummaryView {
  return {
    id: c._id,
    status: c.status,
    ...(c.targetServiceId ? { targetServiceId: c.targetServiceId } : {}),
    ...(c.ownerOrganisationId ? { ownerOrganisationId: c.ownerOrganisationId } : {}),
    ...(c.reroutedFromReferralId ? { reroutedFromReferralId: c.reroutedFromReferralId } : {}),
    ...(c.statusReason ? { statusReason: { code: c.statusReason.code } } : {}),
    updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

export function toReferralView(r: ReferralDocument, children?: ReferralDocument[]): ReferralView {
  const c = r.consent;
  return {
    id: r._id,
    status: r.status,
    version: r.version,
    requesterOrganisationId: r.requesterOrganisationId,
    requesterOdsCode: r.requesterOdsCode,
    ...(r.targetServiceId ? { targetServiceId: r.targetServiceId } : {}),
    ...(r.ownerOrganisationId ? { ownerOrganisationId: r.ownerOrganisationId } : {}),
    ...(r.parentReferralId ? { parentReferralId: r.parentReferralId } : {}),
    ...(r.reroutedFromReferralId ? { reroutedFromReferralId: r.reroutedFromReferralId } : {}),
    childReferralIds: r.childReferralIds ?? [],
    ...(children ? { children: children.map(toChildSummary) } : {}),
    needs: r.needs,
    priority: r.priority,
    patient: r.patient,
    consent: {
      given: c.given,
      recordedBy: c.recordedBy,
      recordedAt: new Date(c.recordedAt).toISOString(),
      scope: c.scope,
      ...(c.withdrawnAt ? { withdrawnAt: iso(c.withdrawnAt)! } : {}),
      ...(c.withdrawnBy
        ? { withdrawnBy: { organisationId: c.withdrawnBy.organisationId, role: c.withdrawnBy.role } }
        : {}),
    },
    doNotContact: r.doNotContact,
    ...(r.note !== undefined ? { note: r.note } : {}),
    ...(r.statusReason ? { statusReason: r.statusReason } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.wellbeing ? { wellbeing: r.wellbeing } : {}),
    ...(r.assignment
      ? {
          assignment: {
            assigneeSub: r.assignment.assigneeSub,
            ...(r.assignment.assigneeName !== undefined ? { assigneeName: r.assignment.assigneeName } : {}),
            assignedAt: iso(r.assignment.assignedAt)!,
            version: r.assignment.version,
          },
        }
      : {}),
    ...(r.firstContactAt ? { firstContactAt: iso(r.firstContactAt)! } : {}),
    ...(r.planNextDueAt ? { planNextDueAt: iso(r.planNextDueAt)! } : {}),
    respondBy: iso(r.respondBy)!,
    remindAt: iso(r.remindAt)!,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
    history: toHistoryView(r),
  };
}
