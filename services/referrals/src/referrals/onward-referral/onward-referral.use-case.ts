import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongodb';
import { DomainError, ValidationError, type FieldProblem } from '@sp/errors';
import type { OutboxRelay } from '@sp/messaging';
import { isDuplicateKeyError } from '@sp/persistence';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { DeadlineQueue } from '../../deadline/deadline.queue';
import type { DirectoryReplicaRepository } from '../../directory-replica/directory-replica.repository';
import { isKnownNeedCode } from '../../domain/need-taxonomy';
import { partiesOf } from '../../domain/referral-access';
import type { Actor } from '../../domain/referral-intake.rules';
import { targetServiceProblems, type ReplicaService } from '../../domain/service-eligibility';
import { ACTIVE_STATUSES, type Party } from '../../domain/task-lifecycle';
import { audited } from '../audited';
import { actorRef } from '../actor-ref';
import {
  fingerprint,
  newReferralDocument,
  validationFailure,
  type DeadlineSettings,
} from '../create-referral/create-referral.use-case';
import { guardChange, type ReferralAccessPolicy } from '../referral-access.policy';
import { ReferralErrors } from '../referral-errors';
import { onwardCreatedEvent, populationOf } from '../referral-events';
import type { ActorRef, ReferralDocument } from '../referral.entity';
import type { OnwardReferralInput } from '../referral-operations';
import type { ReferralRepository } from '../referral.repository';

export interface OnwardResult {
  parent: ReferralDocument;
  children: ReferralDocument[];
}

interface PlannedChild {
  target: OnwardReferralInput['targets'][number];
  service: ReplicaService;
  needs: string[];
}

/** Only the link worker holding an accepted (not closed) referral, with consent, refers onwards. */
function assertMayReferOnwards(parent: ReferralDocument, parties: Party[], actor: Actor): void {
  guardChange(parent, actor, undefined);
  if (!parties.includes('receiver') || actor.role !== 'link-worker') {
    throw ReferralErrors.notPermitted('Only the link worker holding the referral may refer onwards');
  }
  if (!ACTIVE_STATUSES.includes(parent.status)) {
    throw ReferralErrors.invalidTransition(
      `Accept the referral before referring onwards (it is ${parent.status})`,
    );
  }
}

const alreadyRerouted = () =>
  new DomainError('REFERRAL.ALREADY_REROUTED', 'This onward referral was already re-routed', {
    status: 409,
  });

/**
 * A link worker refers onwards in one call: one child referral per target (Task.partOf the
 * parent), each with its `referral.submitted` event, and the parent linking them with
 * `referral.onward-created` per child. Children and link are one transaction: all of them or, on
 * any failure, none. A re-route replaces a rejected child with one new child.
 *
 * With an Idempotency-Key the i-th child is stored under `onward:<key>:<i>` (unique per
 * organisation), so a retry finds the first attempt's children and returns them; two concurrent
 * requests with one key race on that index and the loser returns the winner's children.
 * Deadline jobs are scheduled once the transaction has committed (they are idempotent by job id).
 */
export class OnwardReferralUseCase {
  constructor(
    private readonly referrals: Pick<
      ReferralRepository,
      'inTransaction' | 'insertAll' | 'change' | 'findById' | 'findChildren' | 'findByIdempotencyKey'
    >,
    private readonly access: Pick<ReferralAccessPolicy, 'load'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly replica: Pick<DirectoryReplicaRepository, 'service' | 'organisation'>,
    private readonly deadlines: Pick<DeadlineQueue, 'schedule'>,
    private readonly settings: DeadlineSettings,
  ) {}

  execute(input: OnwardReferralInput, now = new Date()): Promise<OnwardResult> {
    const { parentReferralId, actor } = input;
    const auditAction = input.reroutedFromReferralId ? 'referral.reroute' : 'referral.onward';
    return audited(this.audit, actorRef(actor), auditAction, parentReferralId, async () => {
      const { referral: parent, parties } = await this.access.load(parentReferralId, actor);
      assertMayReferOnwards(parent, parties, actor);
      const requestFingerprint = fingerprint(input.rawBody);
      const keyBase = input.idempotencyKey ? `onward:${input.idempotencyKey}` : undefined;
      const replay = async (): Promise<OnwardResult | undefined> => {
        if (!keyBase) return undefined;
        const first = await this.referrals.findByIdempotencyKey(actor.organisationId, `${keyBase}:0`);
        if (!first) return undefined;
        return this.replay(parent, first, keyBase, requestFingerprint, input.targets.length, actor, now);
      };
      const replayed = await replay();
      if (replayed) return replayed;

      const rerouted = input.reroutedFromReferralId
        ? await this.reroutable(parent, input.reroutedFromReferralId)
        : undefined;
      const planned = await this.plan(input.targets, parent, rerouted, now);
      const by = actorRef(actor);
      const newChild = (p: PlannedChild, i: number) => {
        const id = randomUUID();
        return newReferralDocument(
          {
            _id: id,
            requesterOrganisationId: actor.organisationId,
            // Contracts need an ODS code; a link-worker service without one refers under the practice's.
            requesterOdsCode: actor.odsCode ?? parent.requesterOdsCode,
            requesterClientId: actor.clientId,
            targetServiceId: p.target.targetServiceId,
            ownerOrganisationId: p.service.organisationId!,
            parentReferralId: parent._id,
            ...(rerouted ? { reroutedFromReferralId: rerouted._id } : {}),
            needs: p.needs,
            priority: p.target.priority ?? parent.priority,
            patient: parent.patient,
            patientKey: parent.patientKey,
            // The parent's codes: one patient, one set of codes, derived once at the first intake.
            population: populationOf(parent),
            consent: parent.consent,
            doNotContact: parent.doNotContact,
            ...(p.target.note !== undefined ? { note: p.target.note } : {}),
            ...(keyBase ? { idempotencyKey: `${keyBase}:${i}` } : {}),
            requestFingerprint,
          },
          by,
          now,
          this.settings,
        );
      };

      let result: OnwardResult;
      try {
        result = await this.referrals.inTransaction(async (session) => {
          if (rerouted) await this.assertNotRerouted(parent._id, rerouted._id, session);
          const children = planned.map(newChild);
          await this.referrals.insertAll(children, session);
          const linked = await this.link(parent._id, children, actor, by, now, session);
          return { parent: linked, children };
        });
      } catch (error) {
        // The same key in a concurrent request whose transaction committed first: return its children.
        const winner = isDuplicateKeyError(error) ? await replay() : undefined;
        if (winner) return winner;
        throw error;
      }
      this.relay.kick();
      await Promise.all(result.children.map((child) => this.deadlines.schedule(child._id, child, now)));
      return result;
    });
  }

  /** The rejected child a re-route replaces (400 if it is not a child, 409 if not rejected or re-routed). */
  private async reroutable(parent: ReferralDocument, id: string): Promise<ReferralDocument> {
    const rerouted = parent.childReferralIds.includes(id)
      ? ((await this.referrals.findById(id)) ?? undefined)
      : undefined;
    if (!rerouted) {
      throw new ValidationError('Unknown onward referral', [
        { field: 'rejectedChildId', code: 'not_a_child', message: 'Not an onward referral of this referral' },
      ]);
    }
    if (rerouted.status !== 'rejected') {
      throw ReferralErrors.invalidTransition(
        `Only a rejected onward referral can be re-routed (it is ${rerouted.status})`,
      );
    }
    await this.assertNotRerouted(parent._id, id);
    return rerouted;
  }

  /**
   * Checked again inside the transaction: two concurrent re-routes of one child both write the
   * parent, so the later one is retried on a snapshot that shows the first re-route.
   */
  private async assertNotRerouted(parentId: string, childId: string, session?: ClientSession): Promise<void> {
    const siblings = await this.referrals.findChildren(parentId, session);
    if (siblings.some((s) => s.reroutedFromReferralId === childId)) throw alreadyRerouted();
  }

  /** Every target checked against the directory replica; all problems at once, nothing stored on failure. */
  private async plan(
    targets: OnwardReferralInput['targets'],
    parent: ReferralDocument,
    rerouted: ReferralDocument | undefined,
    now: Date,
  ): Promise<PlannedChild[]> {
    const problems: FieldProblem[] = [];
    const planned: PlannedChild[] = [];
    for (const [i, target] of targets.entries()) {
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
    return planned;
  }

  /** Adds the children the parent does not list yet, with an onward-created entry and event each. */
  private async link(
    parentId: string,
    children: ReferralDocument[],
    actor: Actor,
    by: ActorRef,
    now: Date,
    session?: ClientSession,
  ): Promise<ReferralDocument> {
    const result = await this.referrals.change(
      parentId,
      (current) => {
        const fresh = children.filter((c) => !current.childReferralIds.includes(c._id));
        if (fresh.length === 0) return undefined;
        // The parent as this transaction sees it: consent may have been withdrawn, or the
        // referral closed, since it was first read.
        assertMayReferOnwards(current, partiesOf(current, actor), actor);
        return {
          set: {
            childReferralIds: [...current.childReferralIds, ...fresh.map((c) => c._id)],
            updatedAt: now,
          },
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
      },
      session ? { session } : {},
    );
    if (!result) throw ReferralErrors.notFound(parentId);
    return result.referral;
  }

  private async replay(
    parent: ReferralDocument,
    first: ReferralDocument,
    keyBase: string,
    requestFingerprint: string,
    count: number,
    actor: Actor,
    now: Date,
  ): Promise<OnwardResult> {
    if (first.requestFingerprint !== requestFingerprint || first.parentReferralId !== parent._id) {
      throw ReferralErrors.idempotencyKeyReused('request');
    }
    const children = [first];
    for (let i = 1; i < count; i += 1) {
      const child = await this.referrals.findByIdempotencyKey(actor.organisationId, `${keyBase}:${i}`);
      if (child) children.push(child);
    }
    // Children and link are committed together; this links children stored by an attempt made
    // before onward referrals were transactional, which could stop between the two.
    const linked = await this.link(parent._id, children, actor, actorRef(actor), now);
    return { parent: linked, children };
  }
}
