import type { Connection } from 'mongoose';
import { EVIDENCE_TYPES, type EvidenceType } from '@sp/contracts';
import { ServiceCapacityRepository } from '../capacity/service-capacity.repository';
import { AssuranceRepository } from '../trust/assurance.repository';
import { AssuranceService } from '../trust/assurance.service';
import { evidenceProblem, isNhsVerifiable, NON_EXPIRING_EVIDENCE } from '../trust/domain/verification.rules';
import { ServiceTrustRepository } from '../trust/service-trust.repository';
import { DirectoryLookup, profileOf } from './directory-lookup';
import { ReferralRecordRepository } from './referral-record.repository';
import { ServiceSignalsUpdater } from './service-signals.updater';
import { TeamCaseloadRepository } from '../team-capacity/team-caseload.repository';

export interface DemoSignalsResult {
  organisationsVerified: number;
  evidenceRecorded: number;
  capacityDeclared: number;
}

const DAY_MS = 86_400_000;
const noKick = { kick: () => undefined };

const REFERENCE: Record<EvidenceType, string> = {
  'safeguarding-policy': 'SG-POLICY-v3',
  'dbs-checks': 'DBS-REGISTER-2025',
  'public-liability-insurance': 'PLI-DEMO-0001',
  'registered-charity-or-company': 'CHARITY',
};

/**
 * Demo seed hook: gives every organisation in the directory current assurance and every service
 * of a non-NHS organisation a declared capacity, through the same services the API uses (so the
 * organisation.verified and service.capacity-changed events go out through the outboxes; the
 * running service's relay publishes them). NHS organisations (gp-practice / link-worker-service
 * with an ODS code) are verified by their ODS registration: they are evaluated, not given evidence.
 * Idempotent: evidence still current is left alone, and a declared capacity is never overwritten.
 * Run after the directory itself is seeded.
 */
export async function seedDemoSignals(connection: Connection, now = new Date()): Promise<DemoSignalsResult> {
  const directory = new DirectoryLookup(connection);
  const assuranceRepo = new AssuranceRepository(connection);
  const assurance = new AssuranceService(assuranceRepo, directory, noKick);
  const capacityRepo = new ServiceCapacityRepository(connection);
  const updater = new ServiceSignalsUpdater(
    connection,
    new ReferralRecordRepository(connection),
    capacityRepo,
    new ServiceTrustRepository(connection),
    directory,
    new TeamCaseloadRepository(connection),
    noKick,
  );
  const result: DemoSignalsResult = { organisationsVerified: 0, evidenceRecorded: 0, capacityDeclared: 0 };

  const organisations = await directory.organizations
    .find({}, { projection: { _id: 1, name: 1, sp: 1, organization_identifiers: 1 } })
    .toArray();
  const nhs = new Set<string>();
  for (const doc of organisations) {
    const profile = profileOf(doc);
    if (isNhsVerifiable(profile)) nhs.add(doc._id);
    else {
      const existing = (await assuranceRepo.find(doc._id))?.evidence ?? {};
      for (const type of EVIDENCE_TYPES) {
        if (evidenceProblem(existing[type], now) === null) continue;
        const charity = (doc.sp as { charityNumber?: string } | undefined)?.charityNumber;
        await assurance.recordVerified(
          doc._id,
          type,
          {
            reference:
              type === 'registered-charity-or-company' ? (charity ?? `CHARITY-${doc._id}`) : REFERENCE[type],
            verifiedBy: 'demo-seed',
            verifiedAt: now.toISOString(),
            // Staggered so the demo shows different "verified until" dates.
            ...(NON_EXPIRING_EVIDENCE.includes(type)
              ? {}
              : {
                  expiresAt: new Date(
                    now.getTime() + (300 + EVIDENCE_TYPES.indexOf(type) * 30) * DAY_MS,
                  ).toISOString(),
                }),
            status: 'current',
          },
          now,
        );
        result.evidenceRecorded += 1;
      }
    }
    if ((await assurance.evaluate(doc._id, now)).verified) result.organisationsVerified += 1;
  }

  const services = await directory.services
    .find({}, { projection: { _id: 1, organization_id: 1 } })
    .toArray();
  for (const service of services) {
    if (!service.organization_id || nhs.has(service.organization_id)) continue;
    if ((await capacityRepo.find(service._id))?.declared) continue;
    await updater.declare(
      service._id,
      service.organization_id,
      {
        status: 'has-capacity',
        unit: 'places',
        maximum: 10,
        typicalWaitDays: 14,
        updated: now.toISOString(),
        updatedBy: 'demo-seed',
      },
      now,
    );
    result.capacityDeclared += 1;
  }
  return result;
}
