// What the scale-out test does to referrals through two referrals instances, and what it expects
// the platform to know afterwards, derived from each referral's own history (the source of truth).
import { waitFor } from '@sp/testing';
import { call, referralBody } from './scale-out';

export interface HistoryEntry {
  version: number;
  action: string;
  from: string | null;
  to: string;
  reason?: { code: string };
}

export interface ReferralAnswer {
  id: string;
  status: string;
  version: number;
  ownerOrganisationId?: string;
}

/** One race: two moves of the same referral sent at once, one to each instance. */
export interface RaceOutcome {
  referralId: string;
  round: number;
  statuses: number[];
  /** The referral as the winner's answer showed it (absent when nobody won). */
  winner?: ReferralAnswer;
}

export interface ScenarioContext {
  /** Base URLs of the two referrals instances. */
  instances: [string, string];
  gp: { token: string; odsCode: string };
  receiver: { token: string };
}

let patients = 0;

export async function createReferral(
  ctx: ScenarioContext,
  instance: string,
  serviceId: string,
): Promise<ReferralAnswer> {
  const answer = await call<ReferralAnswer>(
    `${instance}/v1/referrals`,
    ctx.gp.token,
    'POST',
    referralBody(ctx.gp.odsCode, serviceId, (patients += 1)),
  );
  if (answer.status !== 201)
    throw new Error(`create answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * Creates a referral on the first instance, retrying (same Idempotency-Key) while the referrals
 * replica does not know the service or its organisation's verification yet.
 */
export async function createWhenDirectoryReady(
  ctx: ScenarioContext,
  serviceId: string,
  idempotencyKey: string,
): Promise<string> {
  const notYet = ['unknown_service', 'organisation_unverified'];
  const body = referralBody(ctx.gp.odsCode, serviceId, (patients += 1));
  const created = await waitFor(
    async () => {
      const answer = await call<{ id: string; errors?: Array<{ code: string }> }>(
        `${ctx.instances[0]}/v1/referrals`,
        ctx.gp.token,
        'POST',
        body,
        { 'idempotency-key': idempotencyKey },
      );
      const codes = answer.body.errors?.map((e) => e.code) ?? [];
      return answer.status === 422 && codes.length > 0 && codes.every((c) => notYet.includes(c))
        ? undefined
        : answer;
    },
    { timeoutMs: 60_000, intervalMs: 500, description: 'the directory in the referrals replica' },
  );
  if (created.status !== 201)
    throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.id;
}

type Move = [action: string, body: Record<string, unknown>];

async function race(
  ctx: ScenarioContext,
  referralId: string,
  round: number,
  moves: [Move, Move],
  ifMatch: number | undefined,
  flip: boolean,
): Promise<RaceOutcome> {
  const [first, second] = flip ? [ctx.instances[1], ctx.instances[0]] : ctx.instances;
  const headers: Record<string, string> = ifMatch === undefined ? {} : { 'if-match': `W/"${ifMatch}"` };
  const answers = await Promise.all(
    ([first, second] as const).map((instance, n) =>
      call<ReferralAnswer>(
        `${instance}/v1/referrals/${referralId}/${moves[n]![0]}`,
        ctx.receiver.token,
        'POST',
        moves[n]![1],
        headers,
      ),
    ),
  );
  const won = answers.find((a) => a.status === 200);
  return { referralId, round, statuses: answers.map((a) => a.status), ...(won ? { winner: won.body } : {}) };
}

/**
 * Creates a referral, then races incompatible moves on it through both instances: accept vs
 * reject, then start vs hold at the same version, then complete vs fail. Half of the races carry
 * the version read (If-Match), half rely on the server alone.
 */
export async function raceReferral(
  ctx: ScenarioContext,
  serviceId: string,
  n: number,
): Promise<RaceOutcome[]> {
  const flip = n % 2 === 1;
  const created = await createReferral(ctx, ctx.instances[n % 2]!, serviceId);
  const outcomes = [
    await race(
      ctx,
      created.id,
      1,
      [
        ['accept', {}],
        ['reject', { reason: { code: 'no-capacity' } }],
      ],
      n % 2 === 0 ? created.version : undefined,
      flip,
    ),
  ];
  const accepted = outcomes[0]!.winner;
  if (accepted?.status !== 'accepted') return outcomes;
  outcomes.push(
    await race(
      ctx,
      created.id,
      2,
      [
        ['start', {}],
        ['hold', { reason: { code: 'unable-to-contact' } }],
      ],
      accepted.version,
      !flip,
    ),
  );
  const moved = outcomes[1]!.winner;
  if (!moved) return outcomes;
  outcomes.push(
    await race(
      ctx,
      created.id,
      3,
      [
        ['complete', { outcome: { codes: ['sp-outcome-attended'] } }],
        ['fail', { reason: { code: 'unable-to-contact' } }],
      ],
      n % 4 < 2 ? moved.version : undefined,
      flip,
    ),
  );
  return outcomes;
}

/** A referral taken through its whole lifecycle, each step on the other instance, with ONS4 scores. */
export async function completeReferral(ctx: ScenarioContext, serviceId: string, n: number): Promise<string> {
  const created = await createReferral(ctx, ctx.instances[n % 2]!, serviceId);
  const steps: Move[] = [
    ['accept', {}],
    ['start', { wellbeing: { baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 3, anxiety: 8 } } }],
    [
      'complete',
      {
        outcome: { codes: ['sp-outcome-attended'] },
        wellbeing: { followUp: { lifeSatisfaction: 7, worthwhile: 6, happiness: 6, anxiety: 4 } },
      },
    ],
  ];
  for (const [i, [action, body]] of steps.entries()) {
    const instance = ctx.instances[(n + i + 1) % 2]!;
    const answer = await call(
      `${instance}/v1/referrals/${created.id}/${action}`,
      ctx.receiver.token,
      'POST',
      body,
    );
    if (answer.status !== 200)
      throw new Error(`${action} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return created.id;
}

/** A referral as the API shows it: its priority and its history. */
export async function referralOf(
  instance: string,
  token: string,
  referralId: string,
): Promise<{
  id: string;
  priority: string;
  history: HistoryEntry[];
  wellbeing?: { baseline?: unknown; followUp?: unknown };
}> {
  const answer = await call<{ id: string; priority: string; history: HistoryEntry[] }>(
    `${instance}/v1/referrals/${referralId}`,
    token,
  );
  if (answer.status !== 200) throw new Error(`read answered ${answer.status}`);
  return answer.body;
}

export async function historyOf(
  instance: string,
  token: string,
  referralId: string,
): Promise<HistoryEntry[]> {
  const answer = await call<{ history: HistoryEntry[] }>(
    `${instance}/v1/referrals/${referralId}/history`,
    token,
  );
  if (answer.status !== 200) throw new Error(`history answered ${answer.status}`);
  return answer.body.history;
}

/** The lifecycle event (by name) each history entry published. */
export function eventNameOf(entry: HistoryEntry): string {
  if (entry.action === 'submitted') return 'referral.submitted';
  if (entry.action === 'reminder-sent') return 'referral.reminder-due';
  if (entry.action === 'expired') return 'referral.expired';
  const byTarget: Record<string, string> = {
    accepted: 'referral.accepted',
    rejected: 'referral.rejected',
    'on-hold': 'referral.put-on-hold',
    completed: 'referral.completed',
    failed: 'referral.failed',
    cancelled: 'referral.cancelled',
  };
  if (entry.to === 'in-progress') return entry.from === 'on-hold' ? 'referral.resumed' : 'referral.started';
  const name = byTarget[entry.to];
  if (!name) throw new Error(`no event known for history entry ${JSON.stringify(entry)}`);
  return name;
}

/** True for entries that move the Task to another status (what analytics counts as transitions). */
export function isMove(entry: HistoryEntry): boolean {
  return entry.from !== null && entry.from !== entry.to;
}

export interface CounterExpectation {
  submitted: number;
  byPriority: Record<string, number>;
  transitions: Record<string, number>;
  reasons: Record<string, number>;
  wellbeingPairs: number;
}

const bump = (into: Record<string, number>, key: string): void => {
  into[key] = (into[key] ?? 0) + 1;
};

/**
 * The analytics statistics (/v1/stats, computed from per-referral facts) that the given referrals'
 * histories imply: each Task status counted once per referral that reached it (holds are not
 * counted; an expiry counts as rejected with reason no-response), the coded reason of a rejection,
 * cancellation or failure, and referrals entered in error left out altogether.
 */
export function expectedCounters(
  referrals: Array<{
    priority: string;
    history: HistoryEntry[];
    wellbeing?: { baseline?: unknown; followUp?: unknown };
  }>,
): CounterExpectation {
  const out: CounterExpectation = {
    submitted: 0,
    byPriority: {},
    transitions: {},
    reasons: {},
    wellbeingPairs: 0,
  };
  const counted = ['accepted', 'rejected', 'in-progress', 'completed', 'cancelled', 'failed'];
  for (const r of referrals) {
    const moves = r.history.filter(isMove);
    if (moves.some((e) => e.to === 'entered-in-error')) continue;
    out.submitted += 1;
    bump(out.byPriority, r.priority);
    const completed = moves.some((e) => e.to === 'completed');
    if (completed && r.wellbeing?.baseline && r.wellbeing.followUp) out.wellbeingPairs += 1;
    for (const status of counted) {
      const first = moves.find((e) => e.to === status);
      if (!first) continue;
      bump(out.transitions, status);
      if (status !== 'in-progress' && status !== 'accepted' && status !== 'completed') {
        const reason = first.action === 'expired' ? 'no-response' : first.reason?.code;
        if (reason) bump(out.reasons, reason);
      }
    }
  }
  return out;
}

/** A service's trust signals and caseload that its referrals' histories imply (organisations' rules). */
export function expectedSignals(histories: HistoryEntry[][]): {
  acceptance_rate: number | null;
  completion_rate: number | null;
  sample_size: number;
  caseload: number;
} {
  const ratio = (num: number, den: number): number | null =>
    den === 0 ? null : Math.round((num / den) * 1000) / 1000;
  const final = (h: HistoryEntry[]): string => h[h.length - 1]!.to;
  const everAccepted = histories.filter((h) => h.some((e) => isMove(e) && e.to === 'accepted')).length;
  const expired = histories.filter((h) => h.some((e) => e.action === 'expired')).length;
  const rejected = histories.filter(
    (h) => final(h) === 'rejected' && !h.some((e) => e.action === 'expired'),
  ).length;
  const completed = histories.filter((h) => final(h) === 'completed').length;
  const failed = histories.filter((h) => final(h) === 'failed').length;
  return {
    acceptance_rate: ratio(everAccepted, everAccepted + rejected + expired),
    completion_rate: ratio(completed, completed + failed),
    sample_size: everAccepted + rejected + expired,
    caseload: histories.filter((h) => ['accepted', 'in-progress', 'on-hold'].includes(final(h))).length,
  };
}
