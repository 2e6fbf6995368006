import type { Ons4 } from '../../read-models/domain/referral-fact';

/**
 * ONS personal well-being (ONS4) thresholds, as the Office for National Statistics publishes
 * them: life satisfaction, worthwhile and happiness are grouped 0-4 low, 5-6 medium, 7-8 high,
 * 9-10 very high; anxiety, where a higher score is worse, 0-1 very low, 2-3 low, 4-5 medium,
 * 6-10 high. Bands here are numbered from worst (0) to best (3), so a higher band number is
 * always better whichever the item.
 */
export const ONS4_ITEMS = ['lifeSatisfaction', 'worthwhile', 'happiness', 'anxiety'] as const;
export type Ons4Item = (typeof ONS4_ITEMS)[number];

/** 0 low, 1 medium, 2 high, 3 very high. */
function positiveBand(score: number): number {
  if (score <= 4) return 0;
  if (score <= 6) return 1;
  if (score <= 8) return 2;
  return 3;
}

/** 0 high anxiety (6-10), 1 medium (4-5), 2 low (2-3), 3 very low (0-1). */
function anxietyBand(score: number): number {
  if (score >= 6) return 0;
  if (score >= 4) return 1;
  if (score >= 2) return 2;
  return 3;
}

/** Band of a score, 0 worst .. 3 best. */
export function wellbeingBand(item: Ons4Item, score: number): number {
  return item === 'anxiety' ? anxietyBand(score) : positiveBand(score);
}

export type BandMove = 'improved' | 'same' | 'worsened';

export function bandMove(item: Ons4Item, baseline: Ons4, followUp: Ons4): BandMove {
  const before = wellbeingBand(item, baseline[item]);
  const after = wellbeingBand(item, followUp[item]);
  return after > before ? 'improved' : after < before ? 'worsened' : 'same';
}
