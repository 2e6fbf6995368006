import { isKnownOutcomeCode } from '../../domain/referral-change.rules';
import type { ReferralDocument, ResultingActivity, StoredCoding } from '../../referrals/referral.entity';
import { NHS_NUMBER_SYSTEM, OUTCOME_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { isObject, list, Problems, RESOURCE_ELEMENTS, text, type Json } from '../fhir-json';
import { procedureId, referencedId } from './procedure';

/**
 * Task.output entries of type SDOHCC `resulting-activity` (with the Task's contained Procedures)
 * -> the resulting activities kept with the referral, and the outcome codes they carry. Every
 * problem is named by its FHIRPath (`Task.output[2].valueReference`, `Task.contained[0].code`).
 * Pure code.
 */

/** Procedure elements we store. */
const STORED = ['status', 'category', 'code', 'subject', 'basedOn', 'performedDateTime', 'performedPeriod'];
/** Procedure elements accepted and not stored (documented in docs/referrals.md). */
const IGNORED = ['reasonCode', 'reasonReference', 'performer', 'encounter', 'location', 'identifier'];
const ALLOWED = [...RESOURCE_ELEMENTS.filter((e) => e !== 'contained'), ...STORED, ...IGNORED];

/** FHIR dateTime with at least a date; a time needs a zone. */
const DATE_TIME =
  /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;

/** Bounds on what one update may ask us to keep. */
const MAX_CODINGS = 10;
const MAX_ACTIVITIES = 20;

export interface ActivityRead {
  activities: ResultingActivity[];
  /** Outcome codes the activities carry: SNOMED CT concept ids as given, and our outcome codes. */
  codes: string[];
}

function codings(value: unknown, path: string, problems: Problems): StoredCoding[] {
  if (!isObject(value)) {
    problems.add(path, 'structure', `${path} is a CodeableConcept`);
    return [];
  }
  const out: StoredCoding[] = [];
  const all = list(value.coding, `${path}.coding`, problems);
  if (all.length > MAX_CODINGS) {
    problems.add(`${path}.coding`, 'value', `At most ${MAX_CODINGS} codings`);
    return [];
  }
  all.forEach((raw, i) => {
    const system = isObject(raw) ? text(raw.system) : undefined;
    const code = isObject(raw) ? text(raw.code) : undefined;
    if (system === undefined || code === undefined || code.length > 64) {
      problems.add(`${path}.coding[${i}]`, 'required', 'Each coding has a system and a code');
      return;
    }
    const display = isObject(raw) ? text(raw.display) : undefined;
    out.push({ system, code, ...(display !== undefined ? { display: display.slice(0, 200) } : {}) });
  });
  return out;
}

/** The outcome codes in `codings`: SNOMED CT concept ids and our outcome codes. */
function outcomeCodes(found: StoredCoding[]): string[] {
  return found
    .filter((c) => (c.system === SNOMED_CT || c.system === OUTCOME_SYSTEM) && isKnownOutcomeCode(c.code))
    .map((c) => c.code);
}

function codedActivity(found: StoredCoding[], path: string, problems: Problems): string[] {
  const codes = outcomeCodes(found);
  if (found.length > 0 && codes.length === 0)
    problems.add(
      path,
      'code-invalid',
      `What was done is coded in SNOMED CT (${SNOMED_CT}) or in ${OUTCOME_SYSTEM}`,
    );
  return codes;
}

function readSubject(value: unknown, path: string, doc: ReferralDocument, problems: Problems): void {
  const reference = isObject(value) ? text(value.reference) : undefined;
  const identifier = isObject(value) && isObject(value.identifier) ? value.identifier : undefined;
  const ok =
    (reference !== undefined && referencedId(reference, 'Patient') === doc.patientKey) ||
    (reference === undefined &&
      identifier?.system === NHS_NUMBER_SYSTEM &&
      text(identifier.value)?.replace(/\s/g, '') === doc.patient.nhsNumber);
  if (!ok)
    problems.add(
      path,
      value === undefined ? 'required' : 'value',
      `The Procedure's subject is the referral's patient: Patient/${doc.patientKey} (as in Task.for)`,
    );
}

function readPerformed(procedure: Json, path: string, problems: Problems): ResultingActivity['performed'] {
  const at = procedure.performedDateTime;
  const period = procedure.performedPeriod;
  if (at !== undefined && period !== undefined) {
    problems.add(`${path}.performed`, 'structure', 'Give performedDateTime or performedPeriod, not both');
    return undefined;
  }
  if (at !== undefined) {
    if (typeof at !== 'string' || !DATE_TIME.test(at)) {
      problems.add(`${path}.performedDateTime`, 'value', 'performedDateTime is a FHIR dateTime');
      return undefined;
    }
    return { at };
  }
  if (isObject(period)) {
    const start = period.start;
    const end = period.end;
    const bad = [start, end].some((v) => v !== undefined && (typeof v !== 'string' || !DATE_TIME.test(v)));
    if (bad || (start === undefined && end === undefined)) {
      problems.add(
        `${path}.performedPeriod`,
        'value',
        'performedPeriod has a start and/or an end (dateTime)',
      );
      return undefined;
    }
    return {
      ...(typeof start === 'string' ? { start } : {}),
      ...(typeof end === 'string' ? { end } : {}),
    };
  }
  problems.add(
    `${path}.performed`,
    period === undefined ? 'required' : 'structure',
    'A completed Procedure says when: performedDateTime or performedPeriod',
  );
  return undefined;
}

/** One contained Procedure -> its activity (undefined with problems when it cannot be kept). */
function readProcedure(
  procedure: Json,
  path: string,
  doc: ReferralDocument,
  problems: Problems,
): { activity: Omit<ResultingActivity, 'procedureId'>; codes: string[] } | undefined {
  const before = problems.list.length;
  for (const key of Object.keys(procedure))
    if (
      key === 'modifierExtension' ||
      key === 'contained' ||
      (!ALLOWED.includes(key) && !key.startsWith('_'))
    )
      problems.add(
        `${path}.${key}`,
        'not-supported',
        `Procedure.${key} is not accepted on a resulting activity`,
      );
  if (procedure.status !== 'completed')
    problems.add(
      `${path}.status`,
      'value',
      'A resulting activity is a completed Procedure (status completed)',
    );
  const found = procedure.code === undefined ? [] : codings(procedure.code, `${path}.code`, problems);
  if (procedure.code === undefined || found.length === 0)
    problems.required(`${path}.code`, 'The Procedure says what was done: code with a SNOMED CT coding');
  const codes = codedActivity(found, `${path}.code`, problems);
  const categories =
    procedure.category === undefined ? [] : codings(procedure.category, `${path}.category`, problems);
  readSubject(procedure.subject, `${path}.subject`, doc, problems);
  list(procedure.basedOn, `${path}.basedOn`, problems).forEach((raw, i) => {
    const reference = isObject(raw) ? text(raw.reference) : undefined;
    if (reference === undefined || referencedId(reference, 'ServiceRequest') !== doc._id)
      problems.add(`${path}.basedOn[${i}]`, 'value', `basedOn is the referral: ServiceRequest/${doc._id}`);
  });
  const performed = readPerformed(procedure, path, problems);
  if (problems.list.length > before) return undefined;
  return {
    activity: {
      codes: found,
      ...(categories.length > 0 ? { categories } : {}),
      ...(performed ? { performed } : {}),
    },
    codes,
  };
}

/**
 * Reads the resulting-activity outputs (`entries`: index in Task.output and the output) against
 * Task.contained. A valueReference names a contained Procedure (`#id`); each contained resource
 * must be such a Procedure, referenced once.
 */
export function readResultingActivities(
  entries: { index: number; output: Json }[],
  contained: unknown,
  doc: ReferralDocument,
  problems: Problems,
): ActivityRead {
  if (entries.length > MAX_ACTIVITIES)
    problems.add('Task.output', 'value', `At most ${MAX_ACTIVITIES} resulting activities`);
  const resources = list(contained, 'Task.contained', problems);
  const byId = new Map<string, number>();
  resources.forEach((raw, i) => {
    const id = isObject(raw) ? text(raw.id) : undefined;
    if (!isObject(raw) || raw.resourceType !== 'Procedure')
      problems.add(
        `Task.contained[${i}]`,
        'not-supported',
        'A Task contains only the Procedures of its outputs',
      );
    else if (id === undefined || byId.has(id))
      problems.add(`Task.contained[${i}].id`, 'required', 'Each contained Procedure has its own id');
    else byId.set(id, i);
  });
  const used = new Set<number>();
  const activities: ResultingActivity[] = [];
  const codes: string[] = [];
  for (const { index, output } of entries) {
    const at = `Task.output[${index}]`;
    if (output.valueReference !== undefined) {
      const reference = isObject(output.valueReference) ? text(output.valueReference.reference) : undefined;
      const k = reference?.startsWith('#') ? byId.get(reference.slice(1)) : undefined;
      if (k === undefined || used.has(k)) {
        problems.add(
          `${at}.valueReference`,
          'value',
          'valueReference is #<id> of a Procedure contained in this Task (each Procedure referenced once)',
        );
        continue;
      }
      used.add(k);
      const read = readProcedure(resources[k] as Json, `Task.contained[${k}]`, doc, problems);
      if (!read) continue;
      activities.push({
        procedureId: procedureId(activities.filter((a) => a.procedureId).length + 1),
        ...read.activity,
      });
      codes.push(...read.codes);
    } else if (output.valueCodeableConcept !== undefined) {
      const path = `${at}.valueCodeableConcept`;
      const found = codings(output.valueCodeableConcept, path, problems);
      if (found.length === 0) {
        problems.required(path, 'The activity is coded: valueCodeableConcept with a SNOMED CT coding');
        continue;
      }
      codes.push(...codedActivity(found, path, problems));
      activities.push({ codes: found });
    } else {
      problems.add(
        `${at}.value[x]`,
        'required',
        'A resulting activity is valueReference (#<contained Procedure>) or valueCodeableConcept',
      );
    }
  }
  byId.forEach((k) => {
    if (!used.has(k))
      problems.add(
        `Task.contained[${k}]`,
        'value',
        'A contained Procedure must be referenced by a Task.output',
      );
  });
  return { activities, codes: [...new Set(codes)] };
}
