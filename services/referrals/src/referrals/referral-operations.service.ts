import type { Filter } from 'mongodb';
import type { OutboxRelay } from '@sp/messaging';
import { ValidationError, type FieldProblem } from '@sp/errors';
import type { AuditLogRepository } from '../audit/audit-log.repository';
import type { DeadlineQueue } from '../deadline/deadline.queue';
import type { DirectoryReplicaRepository } from '../directory-replica/directory-replica.repository';
import { mayClaim } from '../domain/referral-access';
import { changeProblems } from '../domain/referral-change.rules';
import type { Actor } from '../domain/referral-intake.rules';
import { isServiceListed, meetsNeeds, targetServiceProblems } from '../domain/service-eligibility';
import { ACTION_TARGET, transitionRefusal, type Action } from '../domain/task-lifecycle';
import { audited } from './audited';
import { actorRef } from './actor-ref';
import { validationFailure, type CreateReferralUseCase } from './create-referral/create-referral.use-case';
import type { OnwardReferralUseCase, OnwardResult } from './onward-referral/onward-referral.use-case';
import { guardChange, type ReferralAccessPolicy } from './referral-access.policy';
import { ReferralErrors } from './referral-errors';
import { expiredEvent, reminderDueEvent, statusChangeEvent } from './referral-events';
import type { ActorRef, ReferralDocument } from './referral.entity';
import type {
  ClaimInput,
  CreateReferralInput,
  CreateResult,
  OnwardReferralInput,
  ReferralOperations,
  ReferralPage,
  ReferralSearch,
  TransitionInput,
} from './referral-operations';
import type { ChangeOptions, ReferralChange, ReferralRepository } from './referral.repository';
import type {
  WithdrawConsentInput,
  WithdrawConsentUseCase,
} from './withdraw-consent/withdraw-consent.use-case';

/** History verb recorded for each action. */
export const HISTORY_ACTION: Record<Action, string> = {
  accept: 'accepted',
  reject: 'rejected',
  start: 'started',
  hold: 'put-on-hold',
  resume: 'resumed',
  complete: 'completed',
  fail: 'failed',
  cancel: 'cancelled',
  'enter-in-error': 'entered-in-error',
};

/** The platform itself, for timer-driven changes. */
export const SYSTEM_ACTOR: ActorRef = { clientId: 'platform', organisationId: 'platform', role: 'system' };

/**
 * The one implementation of ReferralOperations behind both the JSON and the FHIR API: reads,
 * search, moves and claims here; intake, onward referral and consent withdrawal in their use cases.
 *
 * Access (existence hiding, ReferralAccessPolicy): a caller who may not see the referral gets 404
 * REFERRAL.NOT_FOUND for every operation, exactly as for an id that does not exist. A party asking
 * for a move it may not make gets 403 REFERRAL.NOT_PERMITTED. Every call is audited (allowed,
 * denied = 404 to a non-party, refused = another 4xx).
 *
 * A move is decided on the referral as read and written with the version read as condition: of
 * two concurrent moves (from any number of instances) exactly one wins; the other gets 409
 * REFERRAL.CONCURRENT_UPDATE, or 412 REFERRAL.VERSION_MISMATCH when it sent If-Match.
 */
export class ReferralOperationsService implements ReferralOperations {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'change' | 'findChildren' | 'search'>,
    private readonly access: Pick<ReferralAccessPolicy, 'load' | 'visibleTo'>,
    private readonly audit: Pick<AuditLogRepository, 'record' | 'recordMany'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly replica: Pick<DirectoryReplicaRepository, 'service' | 'organisation'>,
    private readonly deadlines: Pick<DeadlineQueue, 'cancel'>,
    private readonly useCases: {
      create: Pick<CreateReferralUseCase, 'execute'>;
      onward: Pick<OnwardReferralUseCase, 'execute'>;
      withdrawConsent: Pick<WithdrawConsentUseCase, 'execute'>;
    },
  ) {}

  create(input: CreateReferralInput): Promise<CreateResult> {
    return this.useCases.create.execute(input);
  }

  createOnward(input: OnwardReferralInput): Promise<OnwardResult> {
    return this.useCases.onward.execute(input);
  }

  withdrawConsent(input: WithdrawConsentInput): Promise<ReferralDocument> {
    return this.useCases.withdrawConsent.execute(input);
  }

  get(referralId: string, actor: Actor): Promise<ReferralDocument> {
    return this.audited(
      actor,
      'referral.read',
      referralId,
      async () => (await this.access.load(referralId, actor)).referral,
    );
  }

  children(referralId: string, actor: Actor): Promise<ReferralDocument[]> {
    return this.audited(actor, 'referral.children', referralId, async () => {
      const { referral } = await this.access.load(referralId, actor);
      const children = await this.referrals.findChildren(referralId);
      // In the order they were created (the parent's list), not by timestamp (siblings share one).
      const order = (id: string) => referral.childReferralIds.indexOf(id);
      return children.sort((a, b) => order(a._id) - order(b._id));
    });
  }

  async search(query: ReferralSearch, actor: Actor): Promise<ReferralPage> {
    const count = Math.min(Math.max(query.count ?? 20, 1), 100);
    const offset = Math.max(query.offset ?? 0, 0);
    const wanted: Filter<ReferralDocument> = {};
    if (query.ownerOrganisationId) wanted.ownerOrganisationId = query.ownerOrganisationId;
    else if (query.ownerMissing !== undefined) wanted.ownerOrganisationId = { $exists: !query.ownerMissing };
    if (query.requesterOrganisationId) wanted.requesterOrganisationId = query.requesterOrganisationId;
    if (query.targetServiceId) wanted.targetServiceId = query.targetServiceId;
    if (query.parentReferralId) wanted.parentReferralId = query.parentReferralId;
    if (query.patientKey) wanted.patientKey = query.patientKey;
    if (query.ids) wanted._id = { $in: query.ids };
    if (query.status && query.status.length > 0) wanted.status = { $in: query.status };
    if (query.updatedAfter || query.updatedBefore) {
      wanted.updatedAt = {
        ...(query.updatedAfter ? { $gt: query.updatedAfter } : {}),
        ...(query.updatedBefore ? { $lt: query.updatedBefore } : {}),
      };
    }
    const filter = actor.role === 'ops' ? wanted : { $and: [wanted, await this.access.visibleTo(actor)] };
    const page = await this.referrals.search(filter, offset, count);
    await this.audit.recordMany(
      page.items.map((r) => ({
        actor: actorRef(actor),
        action: 'referral.search',
        referralId: r._id,
        outcome: 'allowed',
      })),
    );
    return page;
  }

  transition(input: TransitionInput): Promise<ReferralDocument> {
    const { referralId, actor, action } = input;
    return this.audited(actor, `referral.${action}`, referralId, async () => {
      const { referral } = await this.access.load(referralId, actor);
      const now = new Date();
      const by = actorRef(actor);
      const decide = (current: ReferralDocument): ReferralChange => {
        const parties = guardChange(current, actor, input.expectedVersion);
        const refusal = transitionRefusal(action, current.status, parties, input.reason);
        if (refusal?.code === 'INVALID_TRANSITION') throw ReferralErrors.invalidTransition(refusal.message);
        if (refusal?.code === 'NOT_PERMITTED') throw ReferralErrors.notPermitted(refusal.message);
        const problems = changeProblems(action, input);
        if (problems.length > 0) throw new ValidationError('The change is invalid', problems);
        const to = ACTION_TARGET[action];
        const wellbeing = input.wellbeing ? { ...current.wellbeing, ...input.wellbeing } : current.wellbeing;
        const set: ReferralChange['set'] = {
          status: to,
          updatedAt: now,
          ...(input.reason ? { statusReason: input.reason } : {}),
          ...(action === 'complete' && input.outcome ? { outcome: input.outcome } : {}),
          ...(input.wellbeing ? { wellbeing } : {}),
        };
        return {
          set,
          history: [
            {
              at: now,
              by,
              action: HISTORY_ACTION[action],
              from: current.status,
              to,
              ...(input.reason ? { reason: input.reason } : {}),
            },
          ],
          events: [
            statusChangeEvent(current, action, current.version + 1, by, now, {
              ...(input.reason ? { reasonCode: input.reason.code } : {}),
              ...(input.outcome ? { outcomeCodes: input.outcome.codes } : {}),
              ...(wellbeing ? { wellbeing } : {}),
            }),
          ],
        };
      };
      const result = await this.referrals.change(referralId, decide, this.changeOptions(referral, input));
      if (!result) throw ReferralErrors.notFound(referralId);
      this.relay.kick();
      if (referral.status === 'requested') await this.deadlines.cancel(referralId);
      return result.referral;
    });
  }

  claim(input: ClaimInput): Promise<ReferralDocument> {
    const { referralId, actor, serviceId } = input;
    return this.audited(actor, 'referral.claim', referralId, async () => {
      const { referral } = await this.access.load(referralId, actor);
      const now = new Date();
      const by = actorRef(actor);
      const service = await this.replica.service(serviceId);
      const problems: FieldProblem[] = [];
      if (!isServiceListed(service) || service.organisationId !== actor.organisationId) {
        problems.push({
          field: 'serviceId',
          code: 'not_your_service',
          message: 'Claim with one of your own services',
        });
      } else {
        const org = await this.replica.organisation(service.organisationId!);
        problems.push(...targetServiceProblems(service, org, referral.patient.birthDate, now, 'serviceId'));
        if (!meetsNeeds(service, referral.needs)) {
          problems.push({
            field: 'serviceId',
            code: 'needs_not_met',
            message: 'The service meets none of the needs',
          });
        }
      }
      const decide = (current: ReferralDocument): ReferralChange => {
        if (current.consent.withdrawnAt) throw ReferralErrors.consentWithdrawn(current._id);
        if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
          throw ReferralErrors.versionMismatch(input.expectedVersion, current.version);
        if (!mayClaim(actor))
          throw ReferralErrors.notPermitted('Only a provider or link worker may claim a referral');
        if (current.ownerOrganisationId !== undefined || current.targetServiceId !== undefined)
          throw ReferralErrors.invalidTransition('The referral is not open: it is addressed to a service');
        if (current.status !== 'requested')
          throw ReferralErrors.invalidTransition(`A referral that is ${current.status} cannot be claimed`);
        if (problems.length > 0) throw validationFailure('The service cannot take this referral', problems);
        const claimed = { ...current, targetServiceId: serviceId, ownerOrganisationId: actor.organisationId };
        return {
          set: {
            status: 'accepted',
            targetServiceId: serviceId,
            ownerOrganisationId: actor.organisationId,
            updatedAt: now,
          },
          history: [{ at: now, by, action: 'claimed', from: current.status, to: 'accepted' }],
          events: [statusChangeEvent(claimed, 'accept', current.version + 1, by, now, { claimed: true })],
        };
      };
      const result = await this.referrals.change(referralId, decide, this.changeOptions(referral, input));
      if (!result) throw ReferralErrors.notFound(referralId);
      this.relay.kick();
      await this.deadlines.cancel(referralId);
      return result.referral;
    });
  }

  /** Reminder job: a referral still waiting for an answer gets one reminder-due event. */
  async remind(referralId: string, now = new Date()): Promise<'sent' | 'not-needed'> {
    const result = await this.referrals.change(referralId, (current) => {
      if (current.status !== 'requested' || current.consent.withdrawnAt) return undefined;
      if (current.history.some((h) => h.action === 'reminder-sent')) return undefined;
      return {
        set: { updatedAt: now },
        history: [
          { at: now, by: SYSTEM_ACTOR, action: 'reminder-sent', from: current.status, to: current.status },
        ],
        events: [reminderDueEvent(current, now)],
      };
    });
    if (!result?.changed) return 'not-needed';
    this.relay.kick();
    await this.auditSystem('referral.remind', referralId);
    return 'sent';
  }

  /** Expiry job: a referral nobody answered is rejected with reason no-response. */
  async expire(referralId: string, now = new Date()): Promise<'expired' | 'not-needed'> {
    const result = await this.referrals.change(referralId, (current) => {
      if (current.status !== 'requested' || current.consent.withdrawnAt) return undefined;
      const reason = { code: 'no-response' as const };
      return {
        set: { status: 'rejected', statusReason: reason, updatedAt: now },
        history: [
          { at: now, by: SYSTEM_ACTOR, action: 'expired', from: current.status, to: 'rejected', reason },
        ],
        events: [expiredEvent(current, current.version + 1, SYSTEM_ACTOR, now)],
      };
    });
    if (!result?.changed) return 'not-needed';
    this.relay.kick();
    await this.auditSystem('referral.expire', referralId);
    return 'expired';
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A move is decided on the referral `load` just read (the access check's copy) and written only
   * if it is still at that version.
   */
  private changeOptions(referral: ReferralDocument, input: { expectedVersion?: number }): ChangeOptions {
    return {
      basedOn: referral,
      ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
    };
  }

  private audited<T>(actor: Actor, action: string, referralId: string, fn: () => Promise<T>): Promise<T> {
    return audited(this.audit, actorRef(actor), action, referralId, fn);
  }

  private async auditSystem(action: string, referralId: string): Promise<void> {
    await this.audit.record({ actor: SYSTEM_ACTOR, action, referralId, outcome: 'allowed' });
  }
}
