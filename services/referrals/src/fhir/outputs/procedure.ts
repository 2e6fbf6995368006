import type { ReferralDocument, ResultingActivity, StoredCoding } from '../../referrals/referral.entity';
import type { Coding, Resource, TaskOutput } from '../fhir.types';

/**
 * Gravity's closed loop (SDOHCC Task For Referral Management): what was done is a Task.output
 * whose type is SDOHCC `resulting-activity`, valued with a reference to a completed SDOHCC
 * Procedure or with the procedure's code. We keep each resulting activity with the referral and
 * give it back inside the Task: the Procedure contained (`#procedure-1`) and referenced from the
 * output, so one read (and one version) of the Task carries the whole closed loop.
 */

/** http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes */
export const SDOHCC_TEMPORARY_CODES =
  'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
/** Task.output.type of a resulting activity (SDOHCC). */
export const RESULTING_ACTIVITY_CODE = 'resulting-activity';

export const RESULTING_ACTIVITY_TYPE = {
  coding: [{ system: SDOHCC_TEMPORARY_CODES, code: RESULTING_ACTIVITY_CODE, display: 'Resulting Activity' }],
};

/** `Type/abc` (optionally absolute or versioned) -> `abc` when the type matches. */
export function referencedId(reference: string, type: string): string | undefined {
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9._:-]{1,64})(?:/_history/[^/]+)?$`).exec(reference);
  return match?.[1];
}

/** The logical id of the n-th (1-based) Procedure of a referral, as contained in its Task. */
export function procedureId(n: number): string {
  return `procedure-${n}`;
}

/** `Patient/<id>`: the patient's logical id is the pseudonymous patient key (stable per patient). */
export function patientReference(doc: Pick<ReferralDocument, 'patientKey'>): { reference: string } {
  return { reference: `Patient/${doc.patientKey}` };
}

function coding(c: StoredCoding): Coding {
  return { system: c.system, code: c.code, ...(c.display !== undefined ? { display: c.display } : {}) };
}

/** A stored resulting activity -> the completed Procedure (for a Procedure-valued activity). */
export function toProcedure(
  doc: Pick<ReferralDocument, '_id' | 'patientKey'>,
  activity: ResultingActivity,
): Resource & Record<string, unknown> {
  const performed = activity.performed ?? {};
  return {
    resourceType: 'Procedure',
    id: activity.procedureId,
    basedOn: [{ reference: `ServiceRequest/${doc._id}` }],
    status: 'completed',
    ...(activity.categories && activity.categories.length > 0
      ? { category: { coding: activity.categories.map(coding) } }
      : {}),
    code: { coding: activity.codes.map(coding) },
    subject: patientReference(doc),
    ...(performed.at !== undefined
      ? { performedDateTime: performed.at }
      : {
          performedPeriod: {
            ...(performed.start !== undefined ? { start: performed.start } : {}),
            ...(performed.end !== undefined ? { end: performed.end } : {}),
          },
        }),
  };
}

/**
 * The resulting activities of a referral as Task.contained (the Procedures) and Task.output
 * (`resulting-activity` valued with `#<procedure id>` or the activity's code), in recorded order.
 */
export function activityOutputs(doc: Pick<ReferralDocument, '_id' | 'patientKey' | 'outcome'>): {
  contained: Resource[];
  outputs: TaskOutput[];
} {
  const contained: Resource[] = [];
  const outputs: TaskOutput[] = [];
  for (const activity of doc.outcome?.activities ?? []) {
    if (activity.procedureId !== undefined) {
      contained.push(toProcedure(doc, activity));
      outputs.push({
        type: RESULTING_ACTIVITY_TYPE,
        valueReference: { reference: `#${activity.procedureId}` },
      });
    } else {
      outputs.push({
        type: RESULTING_ACTIVITY_TYPE,
        valueCodeableConcept: { coding: activity.codes.map(coding) },
      });
    }
  }
  return { contained, outputs };
}
