import { Type, type Static } from '@sinclair/typebox';
import { CONTACT_METHODS } from '@sp/contracts';
import { schemaValidator } from '@sp/validation';
import { TEXT_LIMITS } from '../../case-record.errors';
import { CONTACT_OUTCOMES } from '../contact.rules';

const At = Type.String({ format: 'date-time' });
const Method = Type.Unsafe<(typeof CONTACT_METHODS)[number]>({ type: 'string', enum: [...CONTACT_METHODS] });
const Outcome = Type.Unsafe<(typeof CONTACT_OUTCOMES)[number]>({
  type: 'string',
  enum: [...CONTACT_OUTCOMES],
});
const Summary = Type.String({ minLength: 1, maxLength: TEXT_LIMITS.contactSummary });

/** Body of POST /v1/referrals/{id}/contacts (unknown fields refused: this is patient data). */
export const RecordContactRequestSchema = Type.Object(
  { at: At, method: Method, outcome: Outcome, summary: Type.Optional(Summary) },
  { additionalProperties: false },
);
export type RecordContactRequest = Static<typeof RecordContactRequestSchema>;

/** Body of PATCH /v1/referrals/{id}/contacts/{contactId}: the fields to correct (at least one). */
export const CorrectContactRequestSchema = Type.Object(
  {
    at: Type.Optional(At),
    method: Type.Optional(Method),
    outcome: Type.Optional(Outcome),
    summary: Type.Optional(Summary),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CorrectContactRequest = Static<typeof CorrectContactRequestSchema>;

export const recordContactRequest = schemaValidator(RecordContactRequestSchema);
export const correctContactRequest = schemaValidator(CorrectContactRequestSchema);
