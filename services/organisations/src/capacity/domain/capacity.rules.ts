// Capacity of a service: what its organisation declared (HSDS 3.1 service_capacity: unit, maximum,
// plus a Gravity capacity status) combined with the live caseload derived from referral events.
// Pure.
//
// - caseload: referrals of the service that are accepted, in progress or on hold (accepted -> +1;
//   leaving those for a terminal status -> -1). Entered-in-error referrals are not counted.
// - available = max(0, maximum - caseload), only when a maximum is declared.
// - status: `no-capacity` when declared so (closed to referrals); otherwise `waitlist` when a
//   maximum is declared and nothing is available; otherwise the declared status.
// - waitlist: referrals submitted while the service had no place, still waiting (requested), in
//   submission order; they leave it when accepted or closed, so positions shrink.
// - estimated wait for waitlist position p: from recent throughput, places freed (referrals leaving
//   the caseload) in the last 90 days: ceil(p * 90 / freed). Without throughput: the declared
//   typical wait (typicalWaitDays), if any. A service with places has no estimate (no wait).
// - team headroom (from team.caseload-changed: places left under the caseload limits team leads set
//   for the organisation's link workers; absent when no limit is set): people, not places, can be
//   the bottleneck, so available = min(declared available, headroom), or the headroom alone when
//   no maximum is declared; a headroom of 0 makes a declared service `waitlist` (never overriding
//   a declared `no-capacity`). It is the organisation's, shared by its services: each shows it.
//   A service that declared nothing stays unknown (null), whatever the team's headroom.
import type { CapacityStatus } from '@sp/contracts';
import type { CapacitySignals } from '../../signals/service-signals.port';
import { ACTIVE_STATUSES, type ReferralRecord } from '../../signals/domain/referral-record';
import { RECENT_DAYS } from '../../trust/domain/trust-signals';
import type { ActingPerson } from '../../audit/acting-person';

const DAY_MS = 86_400_000;

export interface DeclaredCapacity {
  status: CapacityStatus;
  unit: string;
  maximum?: number;
  description?: string;
  typicalWaitDays?: number;
  updated: string;
  updatedBy: string;
  /** The signed-in person who declared it, if any (audit: stored, not shown on capacity reads). */
  updatedByPerson?: ActingPerson;
}

export interface DerivedLoad {
  caseload: number;
  /** Waiting referrals in order (position = index + 1). */
  waitlist: { referralId: string; submittedAt: string; requesterOrganisationId?: string }[];
  freedLast90Days: number;
}

export function deriveLoad(records: ReferralRecord[], now: Date): DerivedLoad {
  const valid = records.filter((r) => !r.enteredInError);
  const since = now.getTime() - RECENT_DAYS * DAY_MS;
  return {
    caseload: valid.filter((r) => (ACTIVE_STATUSES as readonly string[]).includes(r.status)).length,
    waitlist: valid
      .filter((r) => r.waitlisted && r.status === 'requested')
      .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.referralId.localeCompare(b.referralId))
      .map((r) => ({
        referralId: r.referralId,
        submittedAt: r.submittedAt,
        ...(r.requesterOrganisationId ? { requesterOrganisationId: r.requesterOrganisationId } : {}),
      })),
    freedLast90Days: valid.filter((r) => r.leftActiveAt !== undefined && Date.parse(r.leftActiveAt) >= since)
      .length,
  };
}

/** Places a new referral could take: declared room and team headroom, whichever is smaller. */
export function availablePlaces(
  declared: DeclaredCapacity | undefined,
  caseload: number,
  teamHeadroom?: number,
): number | undefined {
  if (!declared) return undefined;
  const room = declared.maximum === undefined ? undefined : Math.max(0, declared.maximum - caseload);
  if (teamHeadroom === undefined) return room;
  const headroom = Math.max(0, teamHeadroom);
  return room === undefined ? headroom : Math.min(room, headroom);
}

/** Whether a new referral would wait: no place is available (or the service declared itself closed). */
export function isFull(
  declared: DeclaredCapacity | undefined,
  caseload: number,
  teamHeadroom?: number,
): boolean {
  if (!declared) return false;
  if (declared.status === 'no-capacity' || declared.status === 'waitlist') return true;
  return availablePlaces(declared, caseload, teamHeadroom) === 0;
}

export function estimateWaitDays(
  position: number,
  freedLast90Days: number,
  typicalWaitDays: number | undefined,
): number | undefined {
  if (freedLast90Days > 0) return Math.ceil((position * RECENT_DAYS) / freedLast90Days);
  return typicalWaitDays;
}

export function effectiveStatus(
  declared: DeclaredCapacity,
  caseload: number,
  teamHeadroom?: number,
): CapacityStatus {
  if (declared.status === 'no-capacity') return 'no-capacity';
  if (availablePlaces(declared, caseload, teamHeadroom) === 0) return 'waitlist';
  return declared.status;
}

/** The capacity shown on reads and announced in events; null when nothing was ever declared. */
export function capacitySignals(
  declared: DeclaredCapacity | undefined,
  load: Pick<DerivedLoad, 'caseload' | 'freedLast90Days'> & { waitlistLength: number; teamHeadroom?: number },
  updated: string,
): CapacitySignals | null {
  if (!declared) return null;
  const status = effectiveStatus(declared, load.caseload, load.teamHeadroom);
  const available = availablePlaces(declared, load.caseload, load.teamHeadroom);
  const estimate =
    status === 'waitlist'
      ? estimateWaitDays(load.waitlistLength + 1, load.freedLast90Days, declared.typicalWaitDays)
      : undefined;
  return {
    status,
    unit: declared.unit,
    ...(declared.maximum !== undefined ? { maximum: declared.maximum } : {}),
    ...(available !== undefined ? { available } : {}),
    caseload: load.caseload,
    ...(load.teamHeadroom !== undefined ? { teamHeadroom: load.teamHeadroom } : {}),
    waitlistLength: load.waitlistLength,
    ...(estimate !== undefined ? { estimatedWaitDays: estimate } : {}),
    updated,
  };
}

/** What, when it changes, is announced as service.capacity-changed (not the timestamp). */
export function capacityFingerprint(c: CapacitySignals): string {
  const { updated: _updated, ...rest } = c;
  return JSON.stringify(rest, Object.keys(rest).sort());
}
