import {
  REFERRAL_REASON_CODES,
  TASK_STATUSES,
  type ReferralReasonCode,
  type TaskStatus,
} from '@sp/contracts';
import { DomainError, ValidationError } from '@sp/errors';
import { actionFor, type Action } from '../domain/task-lifecycle';
import type { Ons4, ReferralDocument } from '../referrals/referral.entity';
import { idFromReference } from './referral-from-fhir';
import {
  DIRECTORY_SERVICE_SYSTEM,
  ONS4_ITEMS,
  ons4OutputCode,
  OUTCOME_NOTE_OUTPUT_CODE,
  OUTCOME_OUTPUT_CODE,
  OUTCOME_SYSTEM,
  OUTPUT_TYPE_SYSTEM,
  REASON_SYSTEM,
  SNOMED_CT,
} from './fhir.constants';
import { isObject, list, Problems, text, type Json } from './fhir-json';
import { deepEqual } from './json-patch';
import { toTask } from './referral-to-fhir';

/**
 * A changed Task (after a JSON Patch, or as PUT) -> the operations that make the change: claim an
 * open referral (owner set to one of the caller's HealthcareServices), then the status move found
 * with actionFor(), carrying the coded reason (statusReason) and what was done (output: coded
 * outcome and ONS4 scores). Pure code: no framework imports.
 */

/** Task members a client may change; everything else is the server's or immutable. */
export const WRITABLE_TASK_ELEMENTS = ['status', 'statusReason', 'output', 'owner'] as const;

/** Members a PUT must leave as they are (compared with the current Task). */
const FIXED_ELEMENTS = [
  'partOf',
  'intent',
  'priority',
  'code',
  'focus',
  'for',
  'requester',
  'authoredOn',
] as const;

/** Either a claim (which accepts the open referral) or one status move. */
export interface TaskUpdatePlan {
  /** Claim the open referral for this service of the caller's (the claim accepts it). */
  claimServiceId?: string;
  transition?: {
    action: Action;
    reason?: { code: ReferralReasonCode; text?: string };
    outcome?: { codes: string[]; note?: string };
    wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
  };
}

interface Outputs {
  outcome?: { codes: string[]; note?: string };
  wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
}

function outputTypeCode(output: Json): string | undefined {
  if (!isObject(output.type) || !Array.isArray(output.type.coding)) return undefined;
  const coding = output.type.coding.find((c) => isObject(c) && c.system === OUTPUT_TYPE_SYSTEM);
  return isObject(coding) ? text(coding.code) : undefined;
}

/** Task.output -> outcome codes, outcome note and ONS4 scores (each occasion needs all four items). */
export function readOutputs(value: unknown, problems: Problems): Outputs {
  const codes: string[] = [];
  let note: string | undefined;
  const scores: Record<'baseline' | 'follow-up', Partial<Ons4>> = { baseline: {}, 'follow-up': {} };
  list(value, 'Task.output', problems).forEach((raw, i) => {
    const at = `Task.output[${i}]`;
    const output = isObject(raw) ? raw : {};
    const type = outputTypeCode(output);
    if (type === OUTCOME_OUTPUT_CODE) {
      const concept = isObject(output.valueCodeableConcept) ? output.valueCodeableConcept : undefined;
      const coding = (Array.isArray(concept?.coding) ? concept.coding : []).find(
        (c): c is Json =>
          isObject(c) &&
          (c.system === OUTCOME_SYSTEM || c.system === SNOMED_CT) &&
          text(c.code) !== undefined,
      );
      const code = coding ? text(coding.code) : undefined;
      if (code === undefined || !/^[A-Za-z0-9.:_-]{1,64}$/.test(code))
        problems.add(
          `${at}.valueCodeableConcept`,
          'code-invalid',
          `An outcome is coded in ${OUTCOME_SYSTEM} or ${SNOMED_CT}`,
        );
      else codes.push(code);
      return;
    }
    if (type === OUTCOME_NOTE_OUTPUT_CODE) {
      note = text(output.valueString);
      if (note === undefined) problems.required(`${at}.valueString`, 'The outcome note is a valueString');
      return;
    }
    for (const occasion of ['baseline', 'follow-up'] as const) {
      const item = ONS4_ITEMS.find((it) => ons4OutputCode(it, occasion) === type);
      if (item === undefined) continue;
      const v = output.valueInteger;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10)
        problems.add(`${at}.valueInteger`, 'value', 'ONS4 scores are whole numbers from 0 to 10');
      else scores[occasion][item] = v;
      return;
    }
    problems.add(`${at}.type`, 'code-invalid', `Unknown output type (codes of ${OUTPUT_TYPE_SYSTEM})`);
  });
  const complete = (s: Partial<Ons4>, occasion: string): Ons4 | undefined => {
    const present = ONS4_ITEMS.filter((it) => s[it] !== undefined);
    if (present.length === 0) return undefined;
    if (present.length < ONS4_ITEMS.length) {
      problems.add(
        'Task.output',
        'required',
        `ONS4 ${occasion} needs all four items (${ONS4_ITEMS.map((it) => ons4OutputCode(it, occasion as 'baseline')).join(', ')})`,
      );
      return undefined;
    }
    return s as Ons4;
  };
  const baseline = complete(scores.baseline, 'baseline');
  const followUp = complete(scores['follow-up'], 'follow-up');
  return {
    ...(codes.length > 0 || note !== undefined
      ? { outcome: { codes, ...(note !== undefined ? { note } : {}) } }
      : {}),
    ...(baseline || followUp
      ? { wellbeing: { ...(baseline ? { baseline } : {}), ...(followUp ? { followUp } : {}) } }
      : {}),
  };
}

function readReason(
  value: unknown,
  problems: Problems,
): { code: ReferralReasonCode; text?: string } | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    problems.add('Task.statusReason', 'structure', 'statusReason is a CodeableConcept');
    return undefined;
  }
  const codings = Array.isArray(value.coding) ? value.coding.filter(isObject) : [];
  const k = codings.findIndex((c) => c.system === REASON_SYSTEM);
  const code = k >= 0 ? text(codings[k]?.code) : undefined;
  if (code === undefined || !(REFERRAL_REASON_CODES as readonly string[]).includes(code)) {
    problems.add(
      k >= 0 ? `Task.statusReason.coding[${k}].code` : 'Task.statusReason',
      'code-invalid',
      `The reason is coded in ${REASON_SYSTEM}: ${REFERRAL_REASON_CODES.join(', ')}`,
    );
    return undefined;
  }
  const reasonText = text(value.text);
  return { code: code as ReferralReasonCode, ...(reasonText !== undefined ? { text: reasonText } : {}) };
}

function readClaimedService(value: unknown, problems: Problems): string | undefined {
  let serviceId: string | undefined;
  if (isObject(value)) {
    const reference = text(value.reference);
    if (reference !== undefined) serviceId = idFromReference(reference, 'HealthcareService');
    else if (isObject(value.identifier) && value.identifier.system === DIRECTORY_SERVICE_SYSTEM)
      serviceId = text(value.identifier.value);
  }
  if (serviceId === undefined)
    problems.add(
      'Task.owner',
      'value',
      `To claim an open referral set owner to one of your services: HealthcareService/<id> or an identifier with system ${DIRECTORY_SERVICE_SYSTEM}`,
    );
  return serviceId;
}

/** What to do to turn the referral's current Task into `updated`. */
export function planTaskUpdate(doc: ReferralDocument, updated: Json, mode: 'patch' | 'put'): TaskUpdatePlan {
  const current = toTask(doc) as unknown as Json;
  const problems = new Problems();

  if (mode === 'put') {
    if (updated.resourceType !== 'Task')
      problems.add('Task.resourceType', 'value', 'The body must be a Task');
    if (updated.id !== doc._id) problems.add('Task.id', 'value', `Task.id must be ${doc._id}, as in the URL`);
    for (const key of FIXED_ELEMENTS)
      if (!deepEqual(current[key], updated[key]))
        problems.add(`Task.${key}`, 'not-supported', `Task.${key} cannot be changed`);
    for (const key of Object.keys(updated))
      if (
        ![
          ...FIXED_ELEMENTS,
          ...WRITABLE_TASK_ELEMENTS,
          'resourceType',
          'id',
          'meta',
          'text',
          'lastModified',
          'businessStatus',
        ].includes(key)
      )
        problems.add(`Task.${key}`, 'not-supported', `Task.${key} is not stored and cannot be set`);
    if (updated.businessStatus !== undefined)
      problems.add(
        'Task.businessStatus',
        'not-supported',
        'Task.businessStatus is not stored and cannot be set',
      );
  }

  const status = updated.status;
  if (typeof status !== 'string' || !(TASK_STATUSES as readonly string[]).includes(status))
    problems.add('Task.status', 'value', `Task.status must be one of ${TASK_STATUSES.join(', ')}`);
  const statusChanged = status !== doc.status;
  const reasonChanged = !deepEqual(current.statusReason, updated.statusReason);
  const outputChanged = !deepEqual(current.output, updated.output);
  const ownerChanged = !deepEqual(current.owner, updated.owner);

  // The reason goes with the move even when unchanged (on-hold for no capacity, then cancelled for it).
  const reason = statusChanged ? readReason(updated.statusReason, problems) : undefined;
  const outputs = outputChanged ? readOutputs(updated.output, problems) : {};

  let claimServiceId: string | undefined;
  if (ownerChanged) {
    if (doc.ownerOrganisationId !== undefined)
      problems.add(
        'Task.owner',
        'not-supported',
        'The referral has an owner; to send it elsewhere make an onward referral',
      );
    else claimServiceId = readClaimedService(updated.owner, problems);
  }
  if (!statusChanged && (reasonChanged || outputChanged))
    problems.add(
      reasonChanged ? 'Task.statusReason' : 'Task.output',
      'not-supported',
      'A reason or output is recorded together with the status change it belongs to',
    );
  if (!problems.empty) throw new ValidationError(problems.list, { status: 422 });

  // Claiming an open referral accepts it for the claimant's service: owner and status accepted together.
  if (claimServiceId !== undefined) {
    if (doc.status !== 'requested' || status !== 'accepted') {
      throw new ValidationError(
        [
          {
            field: 'Task.status',
            code: 'value',
            message: 'Claim an open referral by setting owner and status accepted together',
          },
        ],
        { status: 422 },
      );
    }
    return { claimServiceId };
  }
  if (!statusChanged)
    throw new DomainError('FHIR.NOTHING_TO_CHANGE', 'The update changes nothing', {
      status: 422,
      problems: [
        { field: 'Task', code: 'processing', message: 'The update changes nothing that can be changed' },
      ],
    });
  const from = doc.status;
  const action = actionFor(from, status as TaskStatus);
  if (action === undefined)
    throw new DomainError(
      'REFERRAL.INVALID_TRANSITION',
      `A referral that is ${from} cannot become ${status}`,
      {
        status: 409,
        problems: [
          {
            field: 'Task.status',
            code: 'conflict',
            message: `A referral that is ${from} cannot become ${status}`,
          },
        ],
      },
    );
  return {
    transition: {
      action,
      ...(reason ? { reason } : {}),
      ...(outputs.outcome ? { outcome: outputs.outcome } : {}),
      ...(outputs.wellbeing ? { wellbeing: outputs.wellbeing } : {}),
    },
  };
}
