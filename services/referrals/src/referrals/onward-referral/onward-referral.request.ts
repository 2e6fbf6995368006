import { Type } from '@sinclair/typebox';
import { schemaValidator } from '@sp/validation';
import type { OnwardReferralInput } from '../referral-operations';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
const CodeString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9.:_-]+$' });
const Priority = Type.Union([
  Type.Literal('routine'),
  Type.Literal('urgent'),
  Type.Literal('asap'),
  Type.Literal('stat'),
]);

const OnwardTarget = Type.Object(
  {
    targetServiceId: Id,
    needs: Type.Optional(Type.Array(CodeString, { minItems: 1, maxItems: 20 })),
    priority: Type.Optional(Priority),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

/** Body of POST /v1/referrals/{id}/onward: one child referral per target. */
export const OnwardRequestSchema = Type.Object(
  { targets: Type.Array(OnwardTarget, { minItems: 1, maxItems: 10 }) },
  { additionalProperties: false },
);

/** Body of POST /v1/referrals/{id}/reroute: a rejected child and the service to send it to instead. */
export const RerouteRequestSchema = Type.Object(
  {
    rejectedChildId: Id,
    targetServiceId: Id,
    needs: Type.Optional(Type.Array(CodeString, { minItems: 1, maxItems: 20 })),
    priority: Type.Optional(Priority),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const onwardBody = schemaValidator(OnwardRequestSchema);
const rerouteBody = schemaValidator(RerouteRequestSchema);

/** The onward body as the use case's targets (throws VALIDATION.FAILED naming every field). */
export function parseOnwardRequest(body: unknown): Pick<OnwardReferralInput, 'targets'> {
  return { targets: onwardBody.parse(body).targets };
}

/** The re-route body as one target replacing the rejected child (throws VALIDATION.FAILED). */
export function parseRerouteRequest(
  body: unknown,
): Pick<OnwardReferralInput, 'targets'> & { reroutedFromReferralId: string } {
  const { rejectedChildId, ...target } = rerouteBody.parse(body);
  return { targets: [target], reroutedFromReferralId: rejectedChildId };
}
