import { Type, type Static } from '@sinclair/typebox';
import { REFERRAL_REASON_CODES, TASK_STATUSES } from '@sp/contracts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
const CodeString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9.:_-]+$' });
const Score = Type.Integer({ minimum: 0, maximum: 10 });
const Ons4 = Type.Object(
  { lifeSatisfaction: Score, worthwhile: Score, happiness: Score, anxiety: Score },
  { additionalProperties: false },
);

/** Body of POST /v1/referrals/{id}/{action}: all optional, unknown fields refused. */
export const ReferralActionRequestSchema = Type.Object(
  {
    reason: Type.Optional(
      Type.Object(
        {
          code: Type.Unsafe<string>({ type: 'string', enum: [...REFERRAL_REASON_CODES] }),
          text: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
        },
        { additionalProperties: false },
      ),
    ),
    outcome: Type.Optional(
      Type.Object(
        {
          codes: Type.Array(CodeString, { minItems: 1, maxItems: 20 }),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        },
        { additionalProperties: false },
      ),
    ),
    wellbeing: Type.Optional(
      Type.Object(
        { baseline: Type.Optional(Ons4), followUp: Type.Optional(Ons4) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ReferralActionRequest = Static<typeof ReferralActionRequestSchema>;

export const ClaimRequestSchema = Type.Object({ serviceId: Id }, { additionalProperties: false });

/** Query of GET /v1/referrals (strings as they arrive; unknown parameters refused). */
export const ListReferralsQuerySchema = Type.Object(
  {
    status: Type.Optional(
      Type.String({ pattern: `^(${TASK_STATUSES.join('|')})(,(${TASK_STATUSES.join('|')}))*$` }),
    ),
    owner: Type.Optional(Id),
    requester: Type.Optional(Id),
    targetServiceId: Type.Optional(Id),
    parent: Type.Optional(Id),
    updatedAfter: Type.Optional(Type.String({ format: 'date-time' })),
    page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
    size: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
  },
  { additionalProperties: false },
);
