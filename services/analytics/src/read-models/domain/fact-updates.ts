import {
  ReferralAcceptedV1,
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralFirstContactMadeV1,
  ReferralOnwardCreatedV1,
  ReferralPutOnHoldV1,
  ReferralRefusedV1,
  ReferralRejectedV1,
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  ReferralSubmittedV2,
  ServiceCapacityChangedV1,
  type ReferralAcceptedV1Data,
  type ReferralCancelledV1Data,
  type ReferralCompletedV1Data,
  type ReferralConsentWithdrawnV1Data,
  type ReferralEnteredInErrorV1Data,
  type ReferralExpiredV1Data,
  type ReferralFailedV1Data,
  type ReferralFirstContactMadeV1Data,
  type ReferralOnwardCreatedV1Data,
  type ReferralPutOnHoldV1Data,
  type ReferralRefusedV1Data,
  type ReferralRejectedV1Data,
  type ReferralResumedV1Data,
  type ReferralStartedV1Data,
  type ReferralSubmittedV1Data,
  type ReferralSubmittedV2Data,
  type ServiceCapacityChangedV1Data,
  type TaskStatus,
} from '@sp/contracts';

/**
 * From one event to the MongoDB updates that record it in the read models. Every update is
 * commutative and idempotent, so the same events applied in any order, any number of times (the
 * live consumer and a rebuild writing the same generation, a redelivery after a crash) give the
 * same documents:
 * - each field is written by the one kind of event that owns it (times with $min, attributes of
 *   the owning event with $set, onward referral ids pushed once each and kept sorted);
 * - the status and version come only from the highest-version event (a guarded update matching
 *   `version < v`); the owner and target service likewise, each with its own version under `_v`
 *   so an event that does not name them cannot hide an older one that did;
 * - consent withdrawal removes the population codes and the submission only writes them while no
 *   withdrawal is recorded, so a submission applied after the withdrawal does not bring them back;
 * - refusals and capacity samples are inserted once, keyed by the refusal id and the event id.
 * Pure: no driver types; fact.repository.ts turns these into bulk writes.
 */
export const FACT_COLLECTIONS = ['referral_facts', 'refusals', 'capacity_samples'] as const;
export type FactCollection = (typeof FACT_COLLECTIONS)[number];

/** The operators the projection uses (and the only ones the in-memory model in the spec knows). */
export interface FactUpdateOperators {
  $setOnInsert?: Record<string, unknown>;
  $set?: Record<string, unknown>;
  $min?: Record<string, Date>;
  $unset?: Record<string, ''>;
  $push?: Record<string, { $each: string[]; $sort: 1 }>;
}

export type FactFilter = { _id: string } & Record<string, unknown>;

/**
 * What an update does, for merging several events' updates into fewer writes (mergeFactUpdates):
 * - record: the unguarded upsert that creates the document and writes the fields the event owns;
 * - latest: a write guarded by a version (`guard.field` below `guard.version`);
 * - population: the population codes, guarded by no consent withdrawal;
 * - onward: one child added to a parent's onward referrals, guarded by its absence.
 */
export type FactUpdateKind = 'record' | 'latest' | 'population' | 'onward';

export interface FactUpdate {
  collection: FactCollection;
  kind: FactUpdateKind;
  filter: FactFilter;
  update: FactUpdateOperators;
  /** Only the unguarded update (kind record) creates its document; guarded ones follow it. */
  upsert: boolean;
  /** For kind latest: the versioned field and the event's version. */
  guard?: { field: string; version: number };
}

/** What the projection needs of an event: its CloudEvents type, envelope id and validated data. */
export interface ProjectedEvent {
  id: string;
  type: string;
  data: unknown;
}

/** Fields kept under this key (versions of owner and target) are bookkeeping, not facts. */
export const VERSIONS_FIELD = '_v';

/** The referrals service gives a new referral version 1; submitted events carry no version. */
const SUBMITTED_VERSION = 1;

const at = (iso: string): Date => new Date(iso);

/** Drops undefined values: the driver would store them as null. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function referral(referralId: string, update: Omit<FactUpdateOperators, '$setOnInsert'>): FactUpdate {
  const ops: FactUpdateOperators = { $setOnInsert: { referralId } };
  for (const [op, fields] of Object.entries(update) as Array<[keyof FactUpdateOperators, object]>) {
    const kept = defined(fields as Record<string, unknown>);
    if (Object.keys(kept).length > 0) (ops as Record<string, unknown>)[op] = kept;
  }
  return {
    collection: 'referral_facts',
    kind: 'record',
    filter: { _id: referralId },
    update: ops,
    upsert: true,
  };
}

/**
 * Matches a document whose `field` is absent or below `version`. `$not: {$gte}` rather than an
 * `$or` of `$exists` and `$lt`: same documents, and SecantusDB plans it on the _id index (the
 * `$or` form cost it a scan per update).
 */
function newerThan(field: string, version: number): Record<string, unknown> {
  return { [field]: { $not: { $gte: version } } };
}

/** Status, owner and target from the highest-version event that gave each. */
function latest(
  referralId: string,
  version: number,
  status: TaskStatus,
  ownerOrganisationId: string | undefined,
  targetServiceId: string | undefined,
): FactUpdate[] {
  const guarded = (field: string, set: Record<string, unknown>): FactUpdate => ({
    collection: 'referral_facts',
    kind: 'latest',
    filter: { _id: referralId, ...newerThan(field, version) },
    update: { $set: set },
    upsert: false,
    guard: { field, version },
  });
  const updates = [guarded('version', { status, version })];
  if (ownerOrganisationId !== undefined) {
    updates.push(
      guarded(`${VERSIONS_FIELD}.owner`, { ownerOrganisationId, [`${VERSIONS_FIELD}.owner`]: version }),
    );
  }
  if (targetServiceId !== undefined) {
    updates.push(
      guarded(`${VERSIONS_FIELD}.target`, { targetServiceId, [`${VERSIONS_FIELD}.target`]: version }),
    );
  }
  return updates;
}

function submitted(data: ReferralSubmittedV1Data | ReferralSubmittedV2Data): FactUpdate[] {
  const v2 = 'population' in data ? data : undefined;
  const updates = [
    referral(data.referralId, {
      $set: {
        requesterOrganisationId: data.requesterOrganisationId,
        requesterOdsCode: data.requesterOdsCode,
        needs: data.needs,
        priority: data.priority,
      },
      $min: defined({
        submittedAt: at(data.occurredAt),
        respondBy: v2 ? at(v2.respondBy) : undefined,
      }) as Record<string, Date>,
    }),
    ...latest(
      data.referralId,
      SUBMITTED_VERSION,
      'requested',
      data.ownerOrganisationId,
      data.targetServiceId,
    ),
  ];
  if (v2) {
    updates.push({
      collection: 'referral_facts',
      kind: 'population',
      filter: { _id: data.referralId, consentWithdrawnAt: { $exists: false } },
      update: { $set: { population: defined({ ...v2.population }) } },
      upsert: false,
    });
  }
  return updates;
}

/** Fields of every status-change event the projection reads. */
interface StatusChange {
  referralId: string;
  version: number;
  toStatus: TaskStatus;
  ownerOrganisationId?: string;
  targetServiceId?: string;
  occurredAt: string;
}

function statusChange(data: StatusChange, own: Omit<FactUpdateOperators, '$setOnInsert'> = {}): FactUpdate[] {
  return [
    referral(data.referralId, own),
    ...latest(data.referralId, data.version, data.toStatus, data.ownerOrganisationId, data.targetServiceId),
  ];
}

type Projection = (data: never, eventId: string) => FactUpdate[];

const PROJECTIONS: Record<string, Projection> = {
  [ReferralSubmittedV1.type]: (d: ReferralSubmittedV1Data) => submitted(d),
  [ReferralSubmittedV2.type]: (d: ReferralSubmittedV2Data) => submitted(d),
  [ReferralAcceptedV1.type]: (d: ReferralAcceptedV1Data) =>
    statusChange(d, { $min: { acceptedAt: at(d.occurredAt) } }),
  [ReferralRejectedV1.type]: (d: ReferralRejectedV1Data) =>
    statusChange(d, { $min: { rejectedAt: at(d.occurredAt) }, $set: { rejectionReason: d.reasonCode } }),
  [ReferralExpiredV1.type]: (d: ReferralExpiredV1Data) =>
    statusChange(d, { $min: { expiredAt: at(d.occurredAt) } }),
  [ReferralStartedV1.type]: (d: ReferralStartedV1Data) =>
    statusChange(d, { $min: { startedAt: at(d.occurredAt) } }),
  [ReferralPutOnHoldV1.type]: (d: ReferralPutOnHoldV1Data) => statusChange(d),
  [ReferralResumedV1.type]: (d: ReferralResumedV1Data) => statusChange(d),
  [ReferralCompletedV1.type]: (d: ReferralCompletedV1Data) =>
    statusChange(d, {
      $min: { completedAt: at(d.occurredAt) },
      $set: { outcomeCodes: d.outcomeCodes, wellbeing: d.wellbeing },
    }),
  [ReferralFailedV1.type]: (d: ReferralFailedV1Data) =>
    statusChange(d, { $min: { failedAt: at(d.occurredAt) }, $set: { failureReason: d.reasonCode } }),
  [ReferralCancelledV1.type]: (d: ReferralCancelledV1Data) =>
    statusChange(d, {
      $min: { cancelledAt: at(d.occurredAt) },
      $set: { cancellationReason: d.reasonCode },
    }),
  [ReferralEnteredInErrorV1.type]: (d: ReferralEnteredInErrorV1Data) =>
    statusChange(d, { $min: { enteredInErrorAt: at(d.occurredAt) } }),
  [ReferralConsentWithdrawnV1.type]: (d: ReferralConsentWithdrawnV1Data) => [
    referral(d.referralId, { $min: { consentWithdrawnAt: at(d.occurredAt) }, $unset: { population: '' } }),
  ],
  [ReferralFirstContactMadeV1.type]: (d: ReferralFirstContactMadeV1Data) => [
    referral(d.referralId, { $min: { firstContactAt: at(d.firstContactAt) } }),
  ],
  [ReferralOnwardCreatedV1.type]: (d: ReferralOnwardCreatedV1Data) => [
    referral(d.childReferralId, { $set: { parentReferralId: d.referralId } }),
    referral(d.referralId, {}),
    // Kept sorted, so the list does not depend on the order the children were recorded in.
    {
      collection: 'referral_facts',
      kind: 'onward',
      filter: { _id: d.referralId, onwardReferralIds: { $ne: d.childReferralId } },
      update: { $push: { onwardReferralIds: { $each: [d.childReferralId], $sort: 1 } } },
      upsert: false,
    },
  ],
  [ReferralRefusedV1.type]: (d: ReferralRefusedV1Data) => [
    {
      collection: 'refusals',
      kind: 'record',
      filter: { _id: d.refusalId },
      update: {
        $setOnInsert: defined({
          refusalId: d.refusalId,
          requesterOrganisationId: d.requesterOrganisationId,
          requesterOdsCode: d.requesterOdsCode,
          targetServiceId: d.targetServiceId,
          ownerOrganisationId: d.ownerOrganisationId,
          needs: d.needs,
          priority: d.priority,
          reasonCodes: d.reasonCodes,
          population: defined({ ...d.population }),
          occurredAt: at(d.occurredAt),
        }),
      },
      upsert: true,
    },
  ],
  [ServiceCapacityChangedV1.type]: (d: ServiceCapacityChangedV1Data, eventId: string) => [
    {
      collection: 'capacity_samples',
      kind: 'record',
      filter: { _id: eventId },
      update: {
        $setOnInsert: defined({
          eventId,
          serviceId: d.serviceId,
          organisationId: d.organisationId,
          capacityStatus: d.capacityStatus,
          caseload: d.caseload,
          waitlistLength: d.waitlistLength,
          maximum: d.maximum,
          occurredAt: at(d.occurredAt),
        }),
      },
      upsert: true,
    },
  ],
};

/**
 * The event types the read models are built from. Others on the same topics (assigned,
 * reminder-due, gp-summary-issued, the directory's organisation and service events) say nothing
 * the reports count, and are ignored.
 */
export const PROJECTED_EVENT_TYPES: readonly string[] = Object.keys(PROJECTIONS);

export function isProjected(type: string): boolean {
  return Object.hasOwn(PROJECTIONS, type);
}

/**
 * The updates that record one event (validated against its contract by the caller); none for a
 * type the read models ignore. Ordered: each event's unguarded upsert comes before its guarded
 * updates, which only match an existing document.
 */
export function factUpdatesFor(event: ProjectedEvent): FactUpdate[] {
  const projection = PROJECTIONS[event.type];
  return projection ? projection(event.data as never, event.id) : [];
}

function mergeRecords(a: FactUpdate, b: FactUpdate): FactUpdate {
  const x = a.update;
  const y = b.update;
  const update: FactUpdateOperators = {};
  // $setOnInsert: the first one is what a sequential application would have inserted.
  const setOnInsert = { ...y.$setOnInsert, ...x.$setOnInsert };
  const set = { ...x.$set, ...y.$set };
  const unset = { ...x.$unset, ...y.$unset };
  const min: Record<string, Date> = { ...x.$min };
  for (const [field, value] of Object.entries(y.$min ?? {})) {
    const current = min[field];
    if (current === undefined || value.getTime() < current.getTime()) min[field] = value;
  }
  if (Object.keys(setOnInsert).length > 0) update.$setOnInsert = setOnInsert;
  if (Object.keys(set).length > 0) update.$set = set;
  if (Object.keys(min).length > 0) update.$min = min;
  if (Object.keys(unset).length > 0) update.$unset = unset;
  return { ...a, update };
}

/**
 * Several events' updates as fewer writes with the same effect (the rebuild merges each batch):
 * one record upsert per document (its fields merged: $min of times, union of the rest), one
 * guarded write per versioned field (the highest version's), one population write, then the
 * onward additions. Valid because the updates commute: the order they are applied in does not
 * change the result, so grouping them by document does not either.
 */
export function mergeFactUpdates(updates: FactUpdate[]): FactUpdate[] {
  const records = new Map<string, FactUpdate>();
  const guarded = new Map<string, FactUpdate>();
  const onward = new Map<string, FactUpdate>();
  for (const u of updates) {
    const doc = `${u.collection}\u0000${u.filter._id}`;
    if (u.kind === 'record') {
      const merged = records.get(doc);
      records.set(doc, merged ? mergeRecords(merged, u) : u);
    } else if (u.kind === 'latest' && u.guard) {
      const key = `${doc}\u0000${u.guard.field}`;
      const kept = guarded.get(key);
      if (kept?.guard === undefined || u.guard.version > kept.guard.version) guarded.set(key, u);
    } else if (u.kind === 'population') {
      guarded.set(`${doc}\u0000population`, u);
    } else {
      onward.set(`${doc}\u0000${JSON.stringify(u.filter)}`, u);
    }
  }
  return [...records.values(), ...guarded.values(), ...onward.values()];
}
