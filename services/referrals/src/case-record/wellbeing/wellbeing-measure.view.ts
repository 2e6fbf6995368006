import type { CaseAuthor } from '../domain/case-author';
import type { WellbeingMeasureDocument } from './wellbeing-measure.entity';

export interface WellbeingMeasureView {
  id: string;
  referralId: string;
  instrument: string;
  timepoint: string;
  takenAt: string;
  scores: WellbeingMeasureDocument['scores'];
  by: CaseAuthor;
  createdAt: string;
  version: number;
  redactedAt?: string;
}

export function toMeasureView(m: WellbeingMeasureDocument): WellbeingMeasureView {
  return {
    id: m._id,
    referralId: m.referralId,
    instrument: m.instrument,
    timepoint: m.timepoint,
    takenAt: m.takenAt.toISOString(),
    scores: m.scores,
    by: m.author,
    createdAt: m.createdAt.toISOString(),
    version: m.version,
    ...(m.redactedAt ? { redactedAt: m.redactedAt.toISOString() } : {}),
  };
}
