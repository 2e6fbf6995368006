import { Type, type Static } from '@sinclair/typebox';
import { OPEN_STATUSES } from '../caseload.repository';

const OpenStatus = Type.Unsafe<string>({ type: 'string', enum: [...OPEN_STATUSES] });
const Flag = Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'] });

/** Query of GET /v1/caseload (strings as they arrive; `status` repeatable; unknown parameters refused). */
export const CaseloadQuerySchema = Type.Object(
  {
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._:@|-]+$' })),
    status: Type.Optional(Type.Union([OpenStatus, Type.Array(OpenStatus, { maxItems: 4 })])),
    waitingForFirstContact: Type.Optional(Flag),
    overdue: Type.Optional(Flag),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
    offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,5})$' })),
  },
  { additionalProperties: false },
);
export type CaseloadQueryParams = Static<typeof CaseloadQuerySchema>;
