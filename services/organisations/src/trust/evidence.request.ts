import { Type, type Static } from '@sinclair/typebox';
import { EVIDENCE_TYPES, type EvidenceType } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { NON_EXPIRING_EVIDENCE } from './domain/verification.rules';

export const RecordEvidenceRequestSchema = Type.Object(
  {
    reference: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[^\\u0000-\\u001f]+$',
      description:
        'Reference of the evidence: policy version, certificate or policy number, charity or company number',
    }),
    expiresAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it expires (required except for registered-charity-or-company)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RecordEvidenceRequest = Static<typeof RecordEvidenceRequestSchema>;

const validator = schemaValidator(RecordEvidenceRequestSchema);

export function parseEvidenceType(text: string): EvidenceType {
  if ((EVIDENCE_TYPES as readonly string[]).includes(text)) return text as EvidenceType;
  throw new ValidationError('Unknown evidence type', [
    { field: 'type', code: 'not_allowed', message: `type must be one of: ${EVIDENCE_TYPES.join(', ')}` },
  ]);
}

/** Shape, then rules: an expiry where one is required, and not already past. Every problem named. */
export function parseEvidence(type: EvidenceType, body: unknown, now: Date): RecordEvidenceRequest {
  const request = validator.parse(body, 'The evidence is invalid');
  const problems: FieldProblem[] = [];
  if (request.expiresAt === undefined && !NON_EXPIRING_EVIDENCE.includes(type))
    problems.push({ field: 'expiresAt', code: 'required', message: `expiresAt is required for ${type}` });
  if (request.expiresAt !== undefined && Date.parse(request.expiresAt) <= now.getTime())
    problems.push({ field: 'expiresAt', code: 'in_past', message: 'expiresAt must be in the future' });
  if (problems.length > 0) throw new ValidationError('The evidence is invalid', problems, { status: 422 });
  return request;
}
