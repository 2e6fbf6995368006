import {
  REFERRAL_REASON_CODES,
  TASK_STATUSES,
  type ReferralReasonCode,
  type TaskStatus,
} from '@sp/contracts';
import { DomainError, ValidationError } from '@sp/errors';
import { actionFor, type Action } from '../domain/task-lifecycle';
import type { Ons4, ReferralDocument, ResultingActivity } from '../referrals/referral.entity';
import { DIRECTORY_SERVICE_SYSTEM, REASON_SYSTEM } from './fhir.constants';
import { isObject, Problems, text, type Json } from './fhir-json';
import { deepEqual } from './json-patch';
import { referencedId } from './outputs/procedure';
import { readOutputs } from './outputs/task-outputs';
import { toTask } from './referral-to-fhir';

/**
 * A changed Task (after a JSON Patch, or as PUT) -> the operations that make the change: claim an
 * open referral (owner set to one of the caller's HealthcareServices), then the status move found
 * with actionFor(), carrying the coded reason (statusReason) and what was done (output: coded
 * outcome, ONS4 scores and Gravity resulting activities with their contained Procedures: see
 * outputs/). Pure code: no framework imports.
 */

/** Task members a client may change; everything else is the server's or immutable. */
export const WRITABLE_TASK_ELEMENTS = ['status', 'statusReason', 'output', 'contained', 'owner'] as const;

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
    outcome?: { codes: string[]; note?: string; activities?: ResultingActivity[] };
    wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
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
    if (reference !== undefined) serviceId = referencedId(reference, 'HealthcareService');
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
  // Contained resources are the Procedures of resulting-activity outputs: they change with the outputs.
  const outputChanged =
    !deepEqual(current.output, updated.output) || !deepEqual(current.contained, updated.contained);
  const ownerChanged = !deepEqual(current.owner, updated.owner);

  // The reason goes with the move even when unchanged (on-hold for no capacity, then cancelled for it).
  const reason = statusChanged ? readReason(updated.statusReason, problems) : undefined;
  const outputs = outputChanged ? readOutputs(updated.output, updated.contained, doc, problems) : {};

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
