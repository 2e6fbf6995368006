import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { inTransaction, MONGO_CONNECTION } from '@sp/persistence';
import { ServiceCapacityRepository, signalsFromDoc } from '../capacity/service-capacity.repository';
import { AssuranceRepository } from '../trust/assurance.repository';
import { computeVerification } from '../trust/domain/verification.rules';
import { countSince, RECENT_DAYS } from '../trust/domain/trust-signals';
import { ServiceTrustRepository, type ServiceTrustDocument } from '../trust/service-trust.repository';
import { DirectoryLookup } from './directory-lookup';
import {
  NO_TRUST_HISTORY,
  type ServiceSignals,
  type ServiceSignalsReader,
  type TrustSignals,
  type VerificationState,
} from './service-signals.port';

export { NO_TRUST_HISTORY } from './service-signals.port';

/** The trust shown on reads, from the stored aggregate (referrals in the last 90 days as of now). */
export function trustFromDoc(
  doc: Pick<ServiceTrustDocument, 'trust' | 'submittedPerDay'> | null,
  now: Date,
): TrustSignals {
  if (!doc) return NO_TRUST_HISTORY;
  return { ...doc.trust, referralsLast90Days: countSince(doc.submittedPerDay ?? {}, now, RECENT_DAYS) };
}

/**
 * The read side of trust, capacity and verification (SERVICE_SIGNALS). Two reads per call
 * whatever the number of ids; verification is computed at read time, so evidence that expired a
 * minute ago shows as expired even before the next sweep announces it.
 *
 * Trust and capacity are written by one transaction (ServiceSignalsUpdater), so they are read in
 * one snapshot too: two independent reads could straddle a commit and show the new completion
 * rate next to the old caseload (seen in CI: completion 1 with the completed referral still in
 * the caseload).
 */
@Injectable()
export class ServiceSignalsReaderImpl implements ServiceSignalsReader {
  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    private readonly capacity: ServiceCapacityRepository,
    private readonly trust: ServiceTrustRepository,
    private readonly assurance: AssuranceRepository,
    private readonly directory: DirectoryLookup,
  ) {}

  async forServices(serviceIds: string[], now = new Date()): Promise<Map<string, ServiceSignals>> {
    const ids = [...new Set(serviceIds)];
    if (ids.length === 0) return new Map();
    const [capacityDocs, trustDocs] = await inTransaction(this.connection, async (session) => [
      await this.capacity.findMany(ids, session),
      await this.trust.findMany(ids, session),
    ]);
    const capacityById = new Map(capacityDocs.map((d) => [d._id, d]));
    const trustById = new Map(trustDocs.map((d) => [d._id, d]));
    const out = new Map<string, ServiceSignals>();
    for (const id of ids) {
      out.set(id, {
        trust: trustFromDoc(trustById.get(id) ?? null, now),
        capacity: signalsFromDoc(capacityById.get(id) ?? null),
      });
    }
    return out;
  }

  async verificationOf(organisationIds: string[], now = new Date()): Promise<Map<string, VerificationState>> {
    const ids = [...new Set(organisationIds)];
    const [docs, profiles] = await Promise.all([
      this.assurance.findMany(ids),
      this.directory.organisationProfiles(ids),
    ]);
    const byId = new Map(docs.map((d) => [d._id, d]));
    const out = new Map<string, VerificationState>();
    for (const id of ids) {
      const v = computeVerification(profiles.get(id) ?? {}, byId.get(id)?.evidence ?? {}, now);
      out.set(id, {
        verified: v.verified,
        ...(v.verifiedUntil ? { verifiedUntil: v.verifiedUntil } : {}),
        problems: v.problems,
      });
    }
    return out;
  }
}
