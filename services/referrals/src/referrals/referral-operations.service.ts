import { randomUUID } from 'node:crypto';
import type { Filter } from 'mongodb';
import { DomainError, isDomainError, ValidationError, type FieldProblem } from '@sp/errors';
import type { OutboxRelay } from '@sp/messaging';
import type { AuditLogRepository } from '../audit/audit-log.repository';
import type { DeadlineQueue } from '../deadline/deadline.queue';
import type { DirectoryReplicaRepository } from '../directory-replica/directory-replica.repository';
import { isKnownNeedCode } from '../domain/need-taxonomy';
import { mayClaim, partiesOf } from '../domain/referral-access';
import { changeProblems } from '../domain/referral-change.rules';
import type { Actor } from '../domain/referral-intake.rules';
import {
  isServiceListed,
  meetsNeeds,
  organisationProblems,
  targetServiceProblems,
  type ReplicaService,
} from '../domain/service-eligibility';
import {
  ACTION_TARGET,
  ACTIVE_STATUSES,
  isTerminal,
  transitionRefusal,
  type Action,
  type Party,
} from '../domain/task-lifecycle';
import {
  actorRef,
  fingerprint,
  newReferralDocument,
  validationFailure,
  type CreateReferralUseCase,
  type DeadlineSettings,
} from './create-referral/create-referral.use-case';
import {
  consentWithdrawnEvent,
  expiredEvent,
  onwardCreatedEvent,
  reminderDueEvent,
  statusChangeEvent,
} from './referral-events';
import type { ActorRef, ReferralDocument, ReferralHistoryEntry } from './referral.entity';
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
import type { ReferralChange, ReferralRepository } from './referral.repository';

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

export const ReferralErrors = {
  notFound: (id: string) =>
    new DomainError('REFERRAL.NOT_FOUND', `Referral ${id} not found`, { status: 404 }),
  notPermitted: (message: string) => new DomainError('REFERRAL.NOT_PERMITTED', message, { status: 403 }),
  invalidTransition: (message: string) =>
    new DomainError('REFERRAL.INVALID_TRANSITION', message, { status: 409 }),
  consentWithdrawn: (id: string) =>
    new DomainError(
      'REFERRAL.CONSENT_WITHDRAWN',
      `Consent was withdrawn for referral ${id}: no further processing or contact`,
      { status: 409 },
    ),
  versionMismatch: (expected: number, current: number) =>
    new DomainError(
      'REFERRAL.VERSION_MISMATCH',
      `The referral is at version ${current}, not ${expected}: read it again before changing it`,
      { status: 412 },
    ),
};

/**
 * The one implementation of ReferralOperations behind both the JSON and the FHIR API.
 *
 * Access (existence hiding): a caller who is neither the requester, the receiver (Task.owner),
 * ops, nor an organisation that may claim an open referral gets 404 REFERRAL.NOT_FOUND for every
 * operation, exactly as for an id that does not exist, so ids cannot be probed. A party asking for
 * a move it may not make gets 403 REFERRAL.NOT_PERMITTED. Every call is audited (allowed, denied =
 * 404 to a non-party, refused = another 4xx).
 */
export class ReferralOperationsService implements ReferralOperations {
  constructor(
    private readonly referrals: ReferralRepository,
    private readonly audit: Pick<AuditLogRepository, 'record' | 'recordMany'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly replica: Pick<DirectoryReplicaRepository, 'service' | 'organisation' | 'servicesOf'>,
    private readonly deadlines: Pick<DeadlineQueue, 'schedule' | 'cancel'>,
    private readonly createUseCase: CreateReferralUseCase,
    private readonly settings: DeadlineSettings,
  ) {}

  create(input: CreateReferralInput): Promise<CreateResult> {
    return this.createUseCase.execute(input);
  }

  get(referralId: string, actor: Actor): Promise<ReferralDocument> {
    return this.audited(
      actor,
      'referral.read',
      referralId,
      async () => (await this.load(referralId, actor)).referral,
    );
  }

  children(referralId: string, actor: Actor): Promise<ReferralDocument[]> {
    return this.audited(actor, 'referral.children', referralId, async () => {
      const { referral } = await this.load(referralId, actor);
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
    // The filters stay top level beside the visibility clause, so FerretDB can push equality on
    // indexed fields (requester, owner, patient key, _id) down to PostgreSQL instead of decoding
    // every referral.
    const filter = actor.role === 'ops' ? wanted : { ...wanted, $and: [await this.visibleTo(actor)] };
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
      await this.load(referralId, actor);
      const now = new Date();
      const by = actorRef(actor);
      let from: ReferralDocument['status'] = 'requested';
      const result = await this.referrals.change(referralId, (current) => {
        from = current.status;
        const parties = this.guard(current, actor, input.expectedVersion);
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
      });
      if (!result) throw ReferralErrors.notFound(referralId);
      this.relay.kick();
      if (from === 'requested') await this.deadlines.cancel(referralId);
      return result.referral;
    });
  }

  claim(input: ClaimInput): Promise<ReferralDocument> {
    const { referralId, actor, serviceId } = input;
    return this.audited(actor, 'referral.claim', referralId, async () => {
      const { referral } = await this.load(referralId, actor);
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
      const result = await this.referrals.change(referralId, (current) => {
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
      });
      if (!result) throw ReferralErrors.notFound(referralId);
      this.relay.kick();
      await this.deadlines.cancel(referralId);
      return result.referral;
    });
  }

  createOnward(
    input: OnwardReferralInput,
  ): Promise<{ parent: ReferralDocument; children: ReferralDocument[] }> {
    const { parentReferralId, actor } = input;
    const auditAction = input.reroutedFromReferralId ? 'referral.reroute' : 'referral.onward';
    return this.audited(actor, auditAction, parentReferralId, async () => {
      const now = new Date();
      const { referral: parent, parties } = await this.load(parentReferralId, actor);
      this.guard(parent, actor, undefined);
      if (!parties.includes('receiver') || actor.role !== 'link-worker') {
        throw ReferralErrors.notPermitted('Only the link worker holding the referral may refer onwards');
      }
      if (!ACTIVE_STATUSES.includes(parent.status)) {
        throw ReferralErrors.invalidTransition(
          `Accept the referral before referring onwards (it is ${parent.status})`,
        );
      }
      const requestFingerprint = fingerprint(input.rawBody);
      const keyBase = input.idempotencyKey ? `onward:${input.idempotencyKey}` : undefined;
      if (keyBase) {
        const first = await this.referrals.findByIdempotencyKey(actor.organisationId, `${keyBase}:0`);
        if (first)
          return this.replayOnward(
            parent,
            first,
            keyBase,
            requestFingerprint,
            input.targets.length,
            now,
            actor,
          );
      }

      let rerouted: ReferralDocument | undefined;
      if (input.reroutedFromReferralId) {
        const id = input.reroutedFromReferralId;
        rerouted = parent.childReferralIds.includes(id)
          ? ((await this.referrals.findById(id)) ?? undefined)
          : undefined;
        if (!rerouted) {
          throw new ValidationError('Unknown onward referral', [
            {
              field: 'rejectedChildId',
              code: 'not_a_child',
              message: 'Not an onward referral of this referral',
            },
          ]);
        }
        if (rerouted.status !== 'rejected') {
          throw ReferralErrors.invalidTransition(
            `Only a rejected onward referral can be re-routed (it is ${rerouted.status})`,
          );
        }
        const siblings = await this.referrals.findChildren(parent._id);
        if (siblings.some((s) => s.reroutedFromReferralId === id)) {
          throw new DomainError('REFERRAL.ALREADY_REROUTED', 'This onward referral was already re-routed', {
            status: 409,
          });
        }
      }

      const problems: FieldProblem[] = [];
      const planned: Array<{
        target: OnwardReferralInput['targets'][number];
        service: ReplicaService;
        needs: string[];
      }> = [];
      for (const [i, target] of input.targets.entries()) {
        const needs = target.needs ?? rerouted?.needs ?? parent.needs;
        needs.forEach((code, n) => {
          if (!isKnownNeedCode(code)) {
            problems.push({
              field: `targets[${i}].needs[${n}]`,
              code: 'unknown_code',
              message: `"${code}" is not a known need code`,
            });
          }
        });
        const service = await this.replica.service(target.targetServiceId);
        const org = service?.organisationId ? await this.replica.organisation(service.organisationId) : null;
        problems.push(
          ...targetServiceProblems(
            service,
            org,
            parent.patient.birthDate,
            now,
            `targets[${i}].targetServiceId`,
          ),
        );
        if (service) planned.push({ target, service, needs });
      }
      if (problems.length > 0) throw validationFailure('The onward referral is invalid', problems);

      const by = actorRef(actor);
      const children: ReferralDocument[] = [];
      for (const [i, { target, service, needs }] of planned.entries()) {
        const id = randomUUID();
        const child = newReferralDocument(
          {
            _id: id,
            requesterOrganisationId: actor.organisationId,
            // Contracts need an ODS code; a link-worker service without one refers under the practice's.
            requesterOdsCode: actor.odsCode ?? parent.requesterOdsCode,
            requesterClientId: actor.clientId,
            targetServiceId: target.targetServiceId,
            ownerOrganisationId: service.organisationId!,
            parentReferralId: parent._id,
            ...(rerouted ? { reroutedFromReferralId: rerouted._id } : {}),
            needs,
            priority: target.priority ?? parent.priority,
            patient: parent.patient,
            patientKey: parent.patientKey,
            consent: parent.consent,
            doNotContact: parent.doNotContact,
            ...(target.note !== undefined ? { note: target.note } : {}),
            idempotencyKey: keyBase ? `${keyBase}:${i}` : `auto:${id}`,
            requestFingerprint,
          },
          by,
          now,
          this.settings,
        );
        const inserted = await this.referrals.insert(child);
        children.push(inserted.referral);
        if (inserted.created) await this.deadlines.schedule(child._id, child, now);
      }
      const updatedParent = await this.linkChildren(parent._id, children, by, now);
      this.relay.kick();
      return { parent: updatedParent, children };
    });
  }

  withdrawConsent(input: {
    referralId: string;
    actor: Actor;
    expectedVersion?: number;
  }): Promise<ReferralDocument> {
    const { referralId, actor } = input;
    return this.audited(actor, 'referral.consent-withdrawal', referralId, async () => {
      const { referral, parties } = await this.load(referralId, actor);
      if (parties.length === 0)
        throw ReferralErrors.notPermitted('Only a party to the referral may record consent withdrawal');
      const now = new Date();
      const by = actorRef(actor);
      const tree = await this.referrals.tree(referral);
      let root: ReferralDocument | undefined;
      for (const member of tree) {
        const isRoot = member._id === referralId;
        const result = await this.referrals.change(member._id, (current) => {
          // Repeating the withdrawal is allowed and carries on down the tree: if a crash stopped an
          // earlier attempt part-way, the descendants not yet withdrawn are withdrawn now.
          if (current.consent.withdrawnAt) return undefined;
          if (isRoot) this.guard(current, actor, input.expectedVersion);
          const cancel = !isTerminal(current.status);
          const reason = { code: 'consent-withdrawn' as const };
          const history: Omit<ReferralHistoryEntry, 'version'>[] = [
            { at: now, by, action: 'consent-withdrawn', from: current.status, to: current.status },
          ];
          const events = [];
          if (cancel) {
            history.push({ at: now, by, action: 'cancelled', from: current.status, to: 'cancelled', reason });
            events.push(
              statusChangeEvent(current, 'cancel', current.version + 1, by, now, { reasonCode: reason.code }),
            );
          }
          events.push(consentWithdrawnEvent(current, referralId, now));
          return {
            set: {
              consent: { ...current.consent, withdrawnAt: now, withdrawnBy: by },
              updatedAt: now,
              ...(cancel ? { status: 'cancelled' as const, statusReason: reason } : {}),
            },
            history,
            events,
          };
        });
        if (isRoot) root = result?.referral;
        if (result?.changed) await this.deadlines.cancel(member._id);
      }
      this.relay.kick();
      if (!root) throw ReferralErrors.notFound(referralId);
      return root;
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

  /** Reads a referral the caller may see, or 404 (also for one that exists but is not theirs). */
  private async load(id: string, actor: Actor): Promise<{ referral: ReferralDocument; parties: Party[] }> {
    const referral = await this.referrals.findById(id);
    if (!referral) throw ReferralErrors.notFound(id);
    const parties = partiesOf(referral, actor);
    if (parties.length === 0 && !(await this.mayViewOpen(referral, actor))) throw ReferralErrors.notFound(id);
    return { referral, parties };
  }

  /** Checks common to every change: a party, consent not withdrawn, version as expected. */
  private guard(current: ReferralDocument, actor: Actor, expectedVersion: number | undefined): Party[] {
    const parties = partiesOf(current, actor);
    if (parties.length === 0)
      throw ReferralErrors.notPermitted('Claim the open referral before acting on it');
    if (current.consent.withdrawnAt) throw ReferralErrors.consentWithdrawn(current._id);
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw ReferralErrors.versionMismatch(expectedVersion, current.version);
    return parties;
  }

  /** Open referrals are visible to organisations with a service that could take them (needs match). */
  private async mayViewOpen(referral: ReferralDocument, actor: Actor): Promise<boolean> {
    if (
      !mayClaim(actor) ||
      referral.ownerOrganisationId !== undefined ||
      referral.targetServiceId !== undefined
    )
      return false;
    if (referral.status !== 'requested' || referral.consent.withdrawnAt) return false;
    const terms = await this.claimableTerms(actor);
    return referral.needs.some((n) => terms.includes(n));
  }

  /** Need codes met by the caller's services that may receive referrals now. */
  private async claimableTerms(actor: Actor): Promise<string[]> {
    if (!mayClaim(actor)) return [];
    const now = new Date();
    const org = await this.replica.organisation(actor.organisationId);
    if (organisationProblems(org, now, 'organisation').length > 0) return [];
    const services = await this.replica.servicesOf(actor.organisationId);
    return [
      ...new Set(
        services
          .filter((s) => isServiceListed(s) && !s.withdrawn && s.status === 'active')
          .flatMap((s) => s.taxonomyTermIds ?? []),
      ),
    ];
  }

  private async visibleTo(actor: Actor): Promise<Filter<ReferralDocument>> {
    const clauses: Filter<ReferralDocument>[] = [
      { requesterOrganisationId: actor.organisationId },
      { ownerOrganisationId: actor.organisationId },
    ];
    const terms = await this.claimableTerms(actor);
    if (terms.length > 0) {
      clauses.push({
        ownerOrganisationId: { $exists: false },
        targetServiceId: { $exists: false },
        status: 'requested',
        'consent.withdrawnAt': { $exists: false },
        needs: { $in: terms },
      } as Filter<ReferralDocument>);
    }
    return { $or: clauses };
  }

  private async linkChildren(
    parentId: string,
    children: ReferralDocument[],
    by: ActorRef,
    now: Date,
  ): Promise<ReferralDocument> {
    const result = await this.referrals.change(parentId, (current) => {
      const fresh = children.filter((c) => !current.childReferralIds.includes(c._id));
      if (fresh.length === 0) return undefined;
      return {
        set: { childReferralIds: [...current.childReferralIds, ...fresh.map((c) => c._id)], updatedAt: now },
        history: fresh.map((c) => ({
          at: now,
          by,
          action: 'onward-created',
          from: current.status,
          to: current.status,
          childReferralId: c._id,
        })),
        events: fresh.map((c) => onwardCreatedEvent(current, c, now)),
      };
    });
    if (!result) throw ReferralErrors.notFound(parentId);
    return result.referral;
  }

  private async replayOnward(
    parent: ReferralDocument,
    first: ReferralDocument,
    keyBase: string,
    requestFingerprint: string,
    count: number,
    now: Date,
    actor: Actor,
  ): Promise<{ parent: ReferralDocument; children: ReferralDocument[] }> {
    if (first.requestFingerprint !== requestFingerprint || first.parentReferralId !== parent._id) {
      throw new DomainError(
        'REFERRAL.IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different request',
        {
          status: 422,
          problems: [
            { field: 'Idempotency-Key', code: 'reused', message: 'Send a new key for a different request' },
          ],
        },
      );
    }
    const children = [first];
    for (let i = 1; i < count; i += 1) {
      const child = await this.referrals.findByIdempotencyKey(actor.organisationId, `${keyBase}:${i}`);
      if (child) children.push(child);
    }
    // Repairs a first attempt that stored the children but failed before linking them.
    const linked = await this.linkChildren(parent._id, children, actorRef(actor), now);
    return { parent: linked, children };
  }

  private async audited<T>(
    actor: Actor,
    action: string,
    referralId: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      const value = await fn();
      await this.audit.record({ actor: actorRef(actor), action, referralId, outcome: 'allowed' });
      return value;
    } catch (error) {
      if (isDomainError(error)) {
        await this.audit
          .record({
            actor: actorRef(actor),
            action,
            referralId,
            outcome: error.status === 404 ? 'denied' : 'refused',
            code: error.code,
          })
          .catch(() => undefined);
      }
      throw error;
    }
  }

  private async auditSystem(action: string, referralId: string): Promise<void> {
    await this.audit.record({ actor: SYSTEM_ACTOR, action, referralId, outcome: 'allowed' });
  }
}
