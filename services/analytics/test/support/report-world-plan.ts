// The table of the known world (support/report-world.ts publishes it): each referral's practice,
// service, needs, population codes and the day each thing happened (days after BASE), the
// refusals at intake and the capacity reports. Every expected figure in the specs comes from here.
import type { ReferralSubmittedV2Data } from '@sp/contracts';

/** The response deadline: 7 days after submission. */
export const RESPOND_WITHIN_DAYS = 7;
export const LONELINESS = 'sp-need-loneliness';
export const DEBT = 'sp-need-debt';
export const ATTENDED = 'sp-outcome-attended';

export type Ons4 = { lifeSatisfaction: number; worthwhile: number; happiness: number; anxiety: number };
const ons4 = (l: number, w: number, h: number, a: number): Ons4 => ({
  lifeSatisfaction: l,
  worthwhile: w,
  happiness: h,
  anxiety: a,
});

export interface ReferralPlan {
  key: string;
  practice: 'A' | 'B' | 'C';
  service: 'S1' | 'S2';
  needs: string[];
  /** Absent: submitted v1 (a referral from before population codes). */
  population?: ReferralSubmittedV2Data['population'];
  submitted: number;
  accepted?: number;
  rejected?: { day: number; reason: 'no-capacity' | 'not-eligible' };
  expired?: number;
  started?: number;
  firstContact?: number;
  completed?: { day: number; baseline?: Ons4; followUp?: Ons4 };
  cancelled?: { day: number; reason: 'patient-declined' };
}

/**
 * The referrals. A: 8 referrals of practice A to service S1 (5 loneliness, 3 debt); B: 2 of
 * practice B to S2; C: 1 of practice C (another PCN and ICB) to S1.
 */
export const PLANS: ReferralPlan[] = [
  {
    key: 'A1',
    practice: 'A',
    service: 'S1',
    needs: [LONELINESS],
    submitted: 0,
    population: { ageBand: '65-74', sex: 'female', imdDecile: 3, ethnicCategory: 'A' },
    accepted: 1,
    started: 3,
    firstContact: 3,
    completed: { day: 20, baseline: ons4(4, 5, 4, 7), followUp: ons4(7, 7, 6, 3) },
  },
  {
    key: 'A2',
    practice: 'A',
    service: 'S1',
    needs: [LONELINESS],
    submitted: 1,
    population: { ageBand: '65-74', sex: 'female', imdDecile: 3, ethnicCategory: 'A' },
    accepted: 2,
    started: 4,
    firstContact: 4,
    completed: { day: 21, baseline: ons4(5, 5, 5, 6), followUp: ons4(6, 6, 6, 5) },
  },
  {
    key: 'A3',
    practice: 'A',
    service: 'S1',
    needs: [LONELINESS],
    submitted: 2,
    population: { ageBand: '75-84', sex: 'male', imdDecile: 2, ethnicCategory: 'B' },
    accepted: 4,
    started: 6,
    firstContact: 6,
    completed: { day: 24, baseline: ons4(3, 4, 3, 8), followUp: ons4(3, 4, 3, 8) },
  },
  {
    key: 'A4',
    practice: 'A',
    service: 'S1',
    needs: [LONELINESS],
    submitted: 3,
    population: { ageBand: '25-34', sex: 'female', imdDecile: 7 },
    accepted: 4,
    started: 8,
    firstContact: 8,
  },
  {
    key: 'A5',
    practice: 'A',
    service: 'S1',
    needs: [LONELINESS],
    submitted: 4,
    population: { ageBand: '25-34', sex: 'male', imdDecile: 7, ethnicCategory: 'A' },
    accepted: 12,
  },
  {
    key: 'A6',
    practice: 'A',
    service: 'S1',
    needs: [DEBT],
    submitted: 0,
    population: { ageBand: '45-54', sex: 'female', imdDecile: 1, ethnicCategory: 'Z' },
    rejected: { day: 2, reason: 'no-capacity' },
  },
  {
    key: 'A7',
    practice: 'A',
    service: 'S1',
    needs: [DEBT],
    submitted: 1,
    population: { ageBand: '45-54', sex: 'male', imdDecile: 1 },
    expired: 1 + RESPOND_WITHIN_DAYS,
  },
  {
    key: 'A8',
    practice: 'A',
    service: 'S1',
    needs: [DEBT],
    submitted: 2,
    population: { ageBand: '45-54', sex: 'female', imdDecile: 1, ethnicCategory: 'A' },
    accepted: 3,
    cancelled: { day: 5, reason: 'patient-declined' },
  },
  {
    key: 'B1',
    practice: 'B',
    service: 'S2',
    needs: [LONELINESS],
    submitted: 0,
    population: { ageBand: '18-24', sex: 'female', imdDecile: 5, ethnicCategory: 'H' },
    accepted: 2,
    started: 4,
    firstContact: 4,
    completed: { day: 30, baseline: ons4(2, 3, 2, 9) },
  },
  {
    key: 'B2',
    practice: 'B',
    service: 'S2',
    needs: [DEBT],
    submitted: 1,
    rejected: { day: 2, reason: 'not-eligible' },
  },
  {
    key: 'C1',
    practice: 'C',
    service: 'S1',
    needs: [LONELINESS],
    submitted: 0,
    population: { ageBand: '55-64', sex: 'male', imdDecile: 9, ethnicCategory: 'A' },
    accepted: 1,
  },
];

/** Refusals at intake (no referral created): unmet demand. */
export const REFUSALS = [
  {
    practice: 'A',
    service: 'S1',
    needs: [LONELINESS],
    reason: 'no-capacity',
    day: 10,
    population: { ageBand: '65-74', sex: 'female', imdDecile: 3 },
  },
  {
    practice: 'A',
    service: 'S1',
    needs: [DEBT],
    reason: 'no-capacity',
    day: 11,
    population: { ageBand: '45-54', sex: 'male', imdDecile: 1 },
  },
  {
    practice: 'C',
    service: 'S2',
    needs: [LONELINESS],
    reason: 'not-eligible',
    day: 12,
    population: { ageBand: '55-64', sex: 'male' },
  },
] as const;

/** Capacity reports of the services: the waitlist over time. */
export const CAPACITY = [
  { service: 'S1', day: 4, caseload: 20, waitlistLength: 2 },
  { service: 'S1', day: 35, caseload: 20, waitlistLength: 6 },
  { service: 'S2', day: 15, caseload: 5, waitlistLength: 0 },
] as const;
