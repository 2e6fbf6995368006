import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '@sp/contracts';
import { schemaValidator } from '@sp/validation';
import { NEED_STATUSES } from '../../domain/case-need.rules';

/**
 * Body of POST /v1/referrals/{id}/needs: a need taxonomy code or SNOMED CT concept id, active
 * (add it) or resolved (resolve the active one), and when (default now).
 */
export const RecordNeedSchema = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    status: StringEnum(NEED_STATUSES),
    at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type RecordNeedRequest = Static<typeof RecordNeedSchema>;

/** The well-formed body, or a 400 VALIDATION.FAILED naming every malformed field. */
export const recordNeedRequest = schemaValidator(RecordNeedSchema);
