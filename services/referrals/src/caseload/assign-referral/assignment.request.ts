import { Type, type Static } from '@sinclair/typebox';
import { REASSIGNMENT_REASON_CODES } from '@sp/contracts';
import { TEXT_LIMITS } from '../../case-record/case-record.errors';

/** A staff member's sub at their identity provider (the contracts' pattern). */
export const PersonSubSchema = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._:@|-]+$' });

const ReasonCode = Type.Unsafe<(typeof REASSIGNMENT_REASON_CODES)[number]>({
  type: 'string',
  enum: [...REASSIGNMENT_REASON_CODES],
});
const ReasonText = Type.String({ minLength: 1, maxLength: TEXT_LIMITS.reason });

/** Body of PUT /v1/referrals/{id}/assignment. */
export const AssignRequestSchema = Type.Object(
  {
    assigneeSub: PersonSubSchema,
    reasonCode: Type.Optional(ReasonCode),
    reasonText: Type.Optional(ReasonText),
    overrideLimit: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AssignRequest = Static<typeof AssignRequestSchema>;

/** Optional body of DELETE /v1/referrals/{id}/assignment. */
export const UnassignRequestSchema = Type.Object(
  { reasonCode: Type.Optional(ReasonCode), reasonText: Type.Optional(ReasonText) },
  { additionalProperties: false },
);
export type UnassignRequest = Static<typeof UnassignRequestSchema>;
