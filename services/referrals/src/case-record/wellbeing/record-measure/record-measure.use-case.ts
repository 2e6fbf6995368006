import { randomUUID } from 'node:crypto';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import type { ActorRef, ReferralDocument } from '../../../referrals/referral.entity';
import type { ChangeDecision, ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import {
  latestOns4,
  measureProblems,
  type Instrument,
  type MycawScores,
  type Ons4Scores,
  type Timepoint,
} from '../../domain/wellbeing.rules';
import type { WellbeingMeasureDocument } from '../wellbeing-measure.entity';
import type { WellbeingMeasureRepository } from '../wellbeing-measure.repository';

export interface RecordMeasureInput {
  referralId: string;
  actor: Actor;
  /** The well-formed measure (see record-measure.request.ts: scores checked for the instrument). */
  instrument: Instrument;
  timepoint: Timepoint;
  takenAt: Date;
  scores: Ons4Scores | MycawScores;
}

const REFERRAL_FIELD: Record<Timepoint, 'baseline' | 'followUp'> = {
  baseline: 'baseline',
  'follow-up': 'followUp',
};

/**
 * The referral's ONS4 for a timepoint becomes `scores` (the measure taken last of that
 * timepoint): a new version of the referral with a `wellbeing-recorded` history entry, no event
 * (referral.completed carries the scores the referral holds when it completes).
 */
function wellbeingSync(timepoint: Timepoint, scores: Ons4Scores, by: ActorRef, now: Date): ChangeDecision {
  return (current: ReferralDocument) => {
    const field = REFERRAL_FIELD[timepoint];
    const held = current.wellbeing?.[field];
    if (held && JSON.stringify(held) === JSON.stringify(scores)) return undefined;
    return {
      set: { wellbeing: { ...current.wellbeing, [field]: scores }, updatedAt: now },
      history: [{ at: now, by, action: 'wellbeing-recorded', from: current.status, to: current.status }],
      events: [],
    };
  };
}

/**
 * Records a wellbeing measure (ONS4 or MYCaW, baseline or follow-up): 422 naming `takenAt` when
 * it is in the future. An ONS4 measure that is now the latest of its timepoint also becomes the
 * referral's `wellbeing.baseline` / `followUp` (what referral.completed and analytics report), in
 * the same transaction, held against consent withdrawal (CaseRecordTransaction).
 */
export class RecordMeasureUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly measures: Pick<WellbeingMeasureRepository, 'insert' | 'forReferral'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly referrals: Pick<ReferralRepository, 'change'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: RecordMeasureInput, now = new Date()): Promise<WellbeingMeasureDocument> {
    const { referralId, actor } = input;
    const by = actorRef(actor);
    return audited(this.audit, by, 'case.wellbeing-measure.create', referralId, async () => {
      const { referral } = await this.gate.open(referralId, actor, 'write');
      const problems = measureProblems({ takenAt: input.takenAt }, now);
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      const measure: WellbeingMeasureDocument = {
        _id: randomUUID(),
        referralId: referral._id,
        organisationId: actor.organisationId,
        instrument: input.instrument,
        timepoint: input.timepoint,
        takenAt: input.takenAt,
        scores: input.scores,
        author: caseAuthorOf(actor),
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await this.tx.run(referral._id, async (session) => {
        await this.measures.insert(measure, session);
        if (measure.instrument !== 'ons4') return;
        const latest = latestOns4(await this.measures.forReferral(referral._id, session), measure.timepoint);
        if (latest?._id !== measure._id) return;
        await this.referrals.change(
          referral._id,
          wellbeingSync(measure.timepoint, measure.scores as Ons4Scores, by, now),
          { session },
        );
      });
      return measure;
    });
  }
}
