import {
  createEnvelope,
  ReferralAcceptedV1,
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralOnwardCreatedV1,
  ReferralPutOnHoldV1,
  ReferralReminderDueV1,
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralRefusedV1,
  ReferralSubmittedV2,
  ReferralRejectedV1,
  type EventEnvelope,
  type ReferralReasonCode,
  type ReferralRefusedV1Data,
} from '@sp/contracts';
import { eventMetaFromContext } from '@sp/messaging';
import { populationCodes, type PopulationCodes } from '../domain/population';
import type { Action } from '../domain/task-lifecycle';
import type { ActorRef, ReferralDocument } from './referral.entity';

/**
 * Builds the `referral.*` events. Ids, codes, statuses, timestamps and the pseudonymous patient
 * key only: never an NHS number, name, date of birth, note or reason text (the contracts refuse
 * any other field, and createEnvelope validates against them).
 */
export const EVENT_SOURCE = '/services/referrals';

const meta = () => eventMetaFromContext(EVENT_SOURCE);

function common(before: ReferralDocument, version: number, actor: ActorRef, at: Date) {
  return {
    referralId: before._id,
    version,
    requesterOrganisationId: before.requesterOrganisationId,
    ...(before.targetServiceId ? { targetServiceId: before.targetServiceId } : {}),
    ...(before.ownerOrganisationId ? { ownerOrganisationId: before.ownerOrganisationId } : {}),
    ...(before.parentReferralId ? { parentReferralId: before.parentReferralId } : {}),
    fromStatus: before.status,
    actor: { organisationId: actor.organisationId, role: actor.role },
    patientKey: before.patientKey,
    submittedAt: before.createdAt.toISOString(),
    occurredAt: at.toISOString(),
  };
}

export interface StatusChangeExtras {
  reasonCode?: ReferralReasonCode;
  outcomeCodes?: string[];
  wellbeing?: ReferralDocument['wellbeing'];
  claimed?: boolean;
}

/**
 * The event for a move. `referral` is the document with the fields the event should report
 * (for a claim: the new target and owner) but still the old status.
 */
export function statusChangeEvent(
  referral: ReferralDocument,
  action: Action,
  version: number,
  actor: ActorRef,
  at: Date,
  extras: StatusChangeExtras = {},
): EventEnvelope {
  const base = common(referral, version, actor, at);
  const reasonCode = extras.reasonCode ?? 'other';
  switch (action) {
    case 'accept':
      return createEnvelope(
        ReferralAcceptedV1,
        { ...base, toStatus: 'accepted', claimed: extras.claimed ?? false },
        meta(),
      );
    case 'reject':
      return createEnvelope(ReferralRejectedV1, { ...base, toStatus: 'rejected', reasonCode }, meta());
    case 'start':
      return createEnvelope(ReferralStartedV1, { ...base, toStatus: 'in-progress' }, meta());
    case 'hold':
      return createEnvelope(ReferralPutOnHoldV1, { ...base, toStatus: 'on-hold', reasonCode }, meta());
    case 'resume':
      return createEnvelope(ReferralResumedV1, { ...base, toStatus: 'in-progress' }, meta());
    case 'complete':
      return createEnvelope(
        ReferralCompletedV1,
        {
          ...base,
          toStatus: 'completed',
          outcomeCodes: extras.outcomeCodes ?? [],
          ...(extras.wellbeing && (extras.wellbeing.baseline || extras.wellbeing.followUp)
            ? { wellbeing: extras.wellbeing }
            : {}),
        },
        meta(),
      );
    case 'fail':
      return createEnvelope(ReferralFailedV1, { ...base, toStatus: 'failed', reasonCode }, meta());
    case 'cancel':
      return createEnvelope(ReferralCancelledV1, { ...base, toStatus: 'cancelled', reasonCode }, meta());
    case 'enter-in-error':
      return createEnvelope(ReferralEnteredInErrorV1, { ...base, toStatus: 'entered-in-error' }, meta());
  }
}

/**
 * referral.submitted v2: v1's fields, the response deadline and the population codes stored at
 * intake (a referral stored before they existed gets them from its patient now, without a decile).
 */
export function submittedEvent(referral: ReferralDocument, at: Date): EventEnvelope {
  return createEnvelope(
    ReferralSubmittedV2,
    {
      referralId: referral._id,
      requesterOrganisationId: referral.requesterOrganisationId,
      requesterOdsCode: referral.requesterOdsCode,
      ...(referral.targetServiceId ? { targetServiceId: referral.targetServiceId } : {}),
      ...(referral.ownerOrganisationId ? { ownerOrganisationId: referral.ownerOrganisationId } : {}),
      needs: referral.needs,
      priority: referral.priority,
      status: 'requested',
      patientKey: referral.patientKey,
      respondBy: referral.respondBy.toISOString(),
      population: populationOf(referral),
      occurredAt: at.toISOString(),
    },
    meta(),
  );
}

/** The referral's population codes as stored at intake. */
export function populationOf(referral: ReferralDocument): PopulationCodes {
  return referral.population ?? populationCodes(referral.patient, undefined, referral.createdAt);
}

/** referral.refused v1: a well-formed referral its target service could not take (codes only). */
export function refusedEvent(refusal: Omit<ReferralRefusedV1Data, 'occurredAt'>, at: Date): EventEnvelope {
  return createEnvelope(ReferralRefusedV1, { ...refusal, occurredAt: at.toISOString() }, meta());
}

export function expiredEvent(
  referral: ReferralDocument,
  version: number,
  actor: ActorRef,
  at: Date,
): EventEnvelope {
  return createEnvelope(
    ReferralExpiredV1,
    {
      ...common(referral, version, actor, at),
      toStatus: 'rejected',
      reasonCode: 'no-response',
      respondBy: referral.respondBy.toISOString(),
    },
    meta(),
  );
}

export function reminderDueEvent(referral: ReferralDocument, at: Date): EventEnvelope {
  return createEnvelope(
    ReferralReminderDueV1,
    {
      referralId: referral._id,
      requesterOrganisationId: referral.requesterOrganisationId,
      ...(referral.targetServiceId ? { targetServiceId: referral.targetServiceId } : {}),
      ...(referral.ownerOrganisationId ? { ownerOrganisationId: referral.ownerOrganisationId } : {}),
      submittedAt: referral.createdAt.toISOString(),
      respondBy: referral.respondBy.toISOString(),
      occurredAt: at.toISOString(),
    },
    meta(),
  );
}

export function consentWithdrawnEvent(
  referral: ReferralDocument,
  rootReferralId: string,
  at: Date,
): EventEnvelope {
  return createEnvelope(
    ReferralConsentWithdrawnV1,
    {
      referralId: referral._id,
      requesterOrganisationId: referral.requesterOrganisationId,
      rootReferralId,
      occurredAt: at.toISOString(),
    },
    meta(),
  );
}

export function onwardCreatedEvent(
  parent: ReferralDocument,
  child: ReferralDocument,
  at: Date,
): EventEnvelope {
  return createEnvelope(
    ReferralOnwardCreatedV1,
    {
      referralId: parent._id,
      childReferralId: child._id,
      requesterOrganisationId: child.requesterOrganisationId,
      targetServiceId: child.targetServiceId ?? '',
      ...(child.ownerOrganisationId ? { ownerOrganisationId: child.ownerOrganisationId } : {}),
      ...(child.reroutedFromReferralId ? { reroutedFromReferralId: child.reroutedFromReferralId } : {}),
      occurredAt: at.toISOString(),
    },
    meta(),
  );
}
