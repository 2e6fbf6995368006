import type { FieldProblem } from '@sp/errors';
import { isInFuture } from './case-dates';

/**
 * Wellbeing measures taken with the person: ONS4 (four 0-10 items, the national personal
 * wellbeing questions) and MYCaW (Measure Yourself Concerns and Wellbeing: up to two concerns in
 * the person's words, each scored 0-6, and wellbeing 0-6; higher is worse), at the start
 * (baseline) and at follow-up. Pure.
 */
export const INSTRUMENTS = ['ons4', 'mycaw'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];
export const TIMEPOINTS = ['baseline', 'follow-up'] as const;
export type Timepoint = (typeof TIMEPOINTS)[number];

export interface Ons4Scores {
  lifeSatisfaction: number;
  worthwhile: number;
  happiness: number;
  anxiety: number;
}

export interface MycawConcern {
  /** The person's words (free text: redacted on consent withdrawal). */
  description?: string;
  score: number;
}

export interface MycawScores {
  concern1: MycawConcern;
  concern2?: MycawConcern;
  wellbeing: number;
}

/**
 * The rule problems of a well-formed measure: it may not be taken in the future. (Its shape:
 * the scores of its instrument, the length of MYCaW concern texts, is the request's.)
 */
export function measureProblems(input: { takenAt: Date }, now: Date): FieldProblem[] {
  return isInFuture(input.takenAt, now)
    ? [{ field: 'takenAt', code: 'in_future', message: 'takenAt must not be in the future' }]
    : [];
}

export interface MeasureFacts {
  instrument: Instrument;
  timepoint: Timepoint;
  takenAt: Date;
  createdAt: Date;
}

/**
 * The ONS4 measure that stands for a timepoint on the referral (referral.wellbeing, used by
 * referral.completed and analytics): the one taken last, the one recorded last among those taken
 * at the same moment.
 */
export function latestOns4<M extends MeasureFacts>(
  measures: readonly M[],
  timepoint: Timepoint,
): M | undefined {
  return measures
    .filter((m) => m.instrument === 'ons4' && m.timepoint === timepoint)
    .reduce<M | undefined>((best, m) => {
      if (!best) return m;
      const byTaken = m.takenAt.getTime() - best.takenAt.getTime();
      if (byTaken !== 0) return byTaken > 0 ? m : best;
      return m.createdAt.getTime() >= best.createdAt.getTime() ? m : best;
    }, undefined);
}
