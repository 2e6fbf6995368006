import type { CaseAuthor } from '../domain/case-author';
import type { Instrument, MycawScores, Ons4Scores, Timepoint } from '../domain/wellbeing.rules';

/**
 * A wellbeing measure taken with the person (collection `case_wellbeing_measures`). Scores stay
 * on consent withdrawal; MYCaW concern descriptions (free text) are removed.
 */
export interface WellbeingMeasureDocument {
  _id: string;
  referralId: string;
  organisationId: string;
  instrument: Instrument;
  timepoint: Timepoint;
  takenAt: Date;
  scores: Ons4Scores | MycawScores;
  author: CaseAuthor;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  redactedAt?: Date;
}
