import { Type, type Static } from '@sinclair/typebox';
import { OPEN_STATUSES } from '../caseload.repository';

const OpenStatus = Type.Unsafe<string>({ type: 'string', enum: [...OPEN_STATUSES] });
const Flag = Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'] });

/**
 * Query of GET /v1/caseload (strings as they arrive, `status` always a list: see
 * `withStatusList`; unknown parameters refused).
 */
export const CaseloadQuerySchema = Type.Object(
  {
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._:@|-]+$' })),
    status: Type.Optional(Type.Array(OpenStatus, { maxItems: 4 })),
    waitingForFirstContact: Type.Optional(Flag),
    overdue: Type.Optional(Flag),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
    offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,5})$' })),
  },
  { additionalProperties: false },
);
export type CaseloadQueryParams = Static<typeof CaseloadQuerySchema>;

/** `?status=a` arrives as a string, `?status=a&status=b` as a list: always a list for validation. */
export function withStatusList(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const status = (raw as Record<string, unknown>)['status'];
  return typeof status === 'string' ? { ...raw, status: [status] } : raw;
}
