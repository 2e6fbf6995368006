import { Type, type Static } from '@sinclair/typebox';

/** Query of GET /v1/inbox (strings as they arrive; unknown parameters refused). */
export const ListInboxQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$' })),
    unacknowledged: Type.Optional(Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'] })),
  },
  { additionalProperties: false },
);
export type ListInboxQuery = Static<typeof ListInboxQuerySchema>;
