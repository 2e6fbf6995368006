import { Type, type Static } from '@sinclair/typebox';
import { Ons4Scores, StringEnum } from '@sp/contracts';
import type { FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { INSTRUMENTS, TIMEPOINTS } from '../../domain/wellbeing.rules';

/** Body of POST /v1/referrals/{id}/wellbeing-measures; scores are checked by instrument. */
export const RecordMeasureSchema = Type.Object(
  {
    instrument: StringEnum(INSTRUMENTS),
    timepoint: StringEnum(TIMEPOINTS),
    takenAt: Type.String({ format: 'date-time' }),
    scores: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: false },
);
export type RecordMeasureRequest = Static<typeof RecordMeasureSchema>;

const MycawScore = Type.Integer({ minimum: 0, maximum: 6 });
const MycawConcern = Type.Object(
  { description: Type.Optional(Type.String({ minLength: 1 })), score: MycawScore },
  { additionalProperties: false },
);

/** MYCaW: one or two concerns scored 0-6 (higher is worse) and wellbeing 0-6. */
export const MycawScoresSchema = Type.Object(
  { concern1: MycawConcern, concern2: Type.Optional(MycawConcern), wellbeing: MycawScore },
  { additionalProperties: false },
);

const envelope = schemaValidator(RecordMeasureSchema);
const scoresOf = {
  // The ONS4 shape published with referral.completed (four 0-10 items).
  ons4: schemaValidator(Ons4Scores()),
  mycaw: schemaValidator(MycawScoresSchema),
};

/** Every problem with the body, scores named under `scores.` for the instrument given. */
export function recordMeasureProblems(body: unknown): FieldProblem[] {
  const problems = envelope.problems(body ?? {});
  const b = (body ?? {}) as Partial<RecordMeasureRequest>;
  const validator = b.instrument === 'ons4' || b.instrument === 'mycaw' ? scoresOf[b.instrument] : undefined;
  if (validator && typeof b.scores === 'object' && b.scores !== null && !Array.isArray(b.scores))
    problems.push(
      ...validator.problems(b.scores).map((p) => ({
        ...p,
        field: p.field === '(body)' ? 'scores' : `scores.${p.field}`,
        message: `scores.${p.message}`,
      })),
    );
  return problems;
}
