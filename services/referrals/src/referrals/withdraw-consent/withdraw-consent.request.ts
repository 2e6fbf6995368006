import { Type } from '@sinclair/typebox';
import { schemaValidator } from '@sp/validation';

/** Body of POST /v1/referrals/{id}/consent-withdrawal: empty (or absent); unknown fields refused. */
export const ConsentWithdrawalRequestSchema = Type.Object({}, { additionalProperties: false });

const consentBody = schemaValidator(ConsentWithdrawalRequestSchema);

/** Validates the (optional) body: nothing to carry, but a misspelt field is refused, not ignored. */
export function parseConsentWithdrawalRequest(body: unknown): void {
  consentBody.parse(body ?? {});
}
