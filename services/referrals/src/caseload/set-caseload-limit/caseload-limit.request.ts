import { Type, type Static } from '@sinclair/typebox';
import { CASELOAD_LIMIT_MAX } from '../domain/assignment.rules';

/** Body of PUT /v1/team/members/{sub}/caseload-limit: a number of open referrals, or null for none. */
export const CaseloadLimitRequestSchema = Type.Object(
  {
    limit: Type.Union([Type.Integer({ minimum: 0, maximum: CASELOAD_LIMIT_MAX }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type CaseloadLimitRequest = Static<typeof CaseloadLimitRequestSchema>;
