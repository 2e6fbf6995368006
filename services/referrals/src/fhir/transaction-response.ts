import type { ReferralDocument } from '../referrals/referral.entity';
import type { Bundle, BundleEntry, OperationOutcome } from './fhir.types';
import type { ParsedIntake, ParsedOnward } from './referral-from-fhir';
import { weakEtag } from './referral-to-fhir';

/** The transaction-response Bundle: one entry per request entry, in the same order. */

function status(created: boolean): string {
  return created ? '201 Created' : '200 OK';
}

function versioned(type: 'ServiceRequest' | 'Task', doc: ReferralDocument, created: boolean): BundleEntry {
  return {
    response: {
      status: status(created),
      location: `${type}/${doc._id}/_history/${doc.version}`,
      etag: weakEtag(doc.version),
      lastModified: doc.updatedAt.toISOString(),
    },
  };
}

function information(textValue: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', details: { text: textValue } }],
  };
}

function held(created: boolean, textValue: string): BundleEntry {
  return { response: { status: status(created), outcome: information(textValue) } };
}

export function intakeResponse(
  parsed: ParsedIntake,
  entryCount: number,
  doc: ReferralDocument,
  created: boolean,
): Bundle {
  const entries: BundleEntry[] = [];
  for (let i = 0; i < entryCount; i++) {
    if (i === parsed.entries.serviceRequest) entries.push(versioned('ServiceRequest', doc, created));
    else if (i === parsed.entries.task) entries.push(versioned('Task', doc, created));
    else if (i === parsed.entries.patient)
      entries.push(
        held(created, `Held with the referral: contained in ServiceRequest/${doc._id} as #patient`),
      );
    else if (i === parsed.entries.consent)
      entries.push(
        held(created, `Held with the referral: contained in ServiceRequest/${doc._id} as #consent`),
      );
    else entries.push(held(created, 'Referenced by the referral; not stored as a resource of its own'));
  }
  return { resourceType: 'Bundle', type: 'transaction-response', entry: entries };
}

export function onwardResponse(
  parsed: ParsedOnward,
  entryCount: number,
  children: ReferralDocument[],
  created: boolean,
): Bundle {
  const entries: BundleEntry[] = Array.from({ length: entryCount }, () =>
    held(created, 'Referenced by the onward referral; not stored as a resource of its own'),
  );
  parsed.targets.forEach((t, i) => {
    const child = children[i];
    if (!child) return;
    if (t.entries.serviceRequest !== undefined)
      entries[t.entries.serviceRequest] = versioned('ServiceRequest', child, created);
    if (t.entries.task !== undefined) entries[t.entries.task] = versioned('Task', child, created);
  });
  return { resourceType: 'Bundle', type: 'transaction-response', entry: entries };
}
