import type { FieldProblem } from '@sp/errors';
import { TEXT_LIMITS } from '../case-record.errors';
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

/** Problems with when a measure was taken and with MYCaW concern texts, each naming its field. */
export function measureProblems(
  input: { takenAt: Date; instrument: Instrument; scores: unknown },
  now: Date,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (isInFuture(input.takenAt, now))
    problems.push({ field: 'takenAt', code: 'in_future', message: 'takenAt must not be in the future' });
  if (input.instrument === 'mycaw') {
    const scores = input.scores as MycawScores;
    for (const key of ['concern1', 'concern2'] as const) {
      const concern = scores[key] as unknown;
      const text =
        typeof concern === 'object' && concern !== null
          ? (concern as { description?: unknown }).description
          : undefined;
      if (typeof text !== 'string') continue;
      if (text.trim() === '')
        problems.push({
          field: `scores.${key}.description`,
          code: 'blank',
          message: 'description must not be blank',
        });
      else if (text.length > TEXT_LIMITS.concern)
        problems.push({
          field: `scores.${key}.description`,
          code: 'too_long',
          message: `description must be at most ${TEXT_LIMITS.concern} characters`,
        });
    }
  }
  return problems;
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
