import type { ReferralDocument } from './referral.entity';

/** What an authorised party sees of a referral over the JSON API. */
export interface ReferralView {
  id: string;
  status: string;
  requesterOrganisationId: string;
  requesterOdsCode: string;
  targetServiceId: string;
  needs: string[];
  priority: string;
  patient: { nhsNumber: string; givenName: string; familyName: string; birthDate: string };
  consent: { given: boolean; recordedBy: string; recordedAt: string; scope: string };
  doNotContact: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
  history: Array<{ at: string; byOrganisationId: string; from: string | null; to: string }>;
}

export function toReferralView(r: ReferralDocument): ReferralView {
  return {
    id: r._id,
    status: r.status,
    requesterOrganisationId: r.requesterOrganisationId,
    requesterOdsCode: r.requesterOdsCode,
    targetServiceId: r.targetServiceId,
    needs: r.needs,
    priority: r.priority,
    patient: r.patient,
    consent: { ...r.consent, recordedAt: new Date(r.consent.recordedAt).toISOString() },
    doNotContact: r.doNotContact,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
    history: r.history.map((h) => ({
      at: h.at.toISOString(),
      byOrganisationId: h.by.organisationId,
      from: h.from,
      to: h.to,
    })),
  };
}
