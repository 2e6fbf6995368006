import { Type, type Static } from '@sinclair/typebox';
import { Ons4Scores, StringEnum } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { TEXT_LIMITS } from '../../case-record.errors';
import { blankTextProblems, mergeProblems } from '../../domain/field-problems';
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
  {
    description: Type.Optional(Type.String({ minLength: 1, maxLength: TEXT_LIMITS.concern })),
    score: MycawScore,
  },
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

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** Every malformed field of the body, scores named under `scores.` for the instrument given. */
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
  const blank =
    b.instrument === 'mycaw'
      ? blankTextProblems({
          'scores.concern1.description': field(field(b.scores, 'concern1'), 'description'),
          'scores.concern2.description': field(field(b.scores, 'concern2'), 'description'),
        })
      : [];
  return mergeProblems(problems, blank);
}

/** The body of a measure, or a 400 VALIDATION.FAILED naming every malformed field. */
export function parseRecordMeasure(body: unknown): RecordMeasureRequest {
  const problems = recordMeasureProblems(body);
  if (problems.length > 0) throw new ValidationError('The request is invalid', problems);
  return body as RecordMeasureRequest;
}
