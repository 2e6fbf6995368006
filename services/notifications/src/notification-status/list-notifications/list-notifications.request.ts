import { Type, type Static } from '@sinclair/typebox';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES } from '../domain/delivery-status';

/** Query of GET /v1/notifications (strings as they arrive; unknown parameters refused). */
export const ListNotificationsQuerySchema = Type.Object(
  {
    channel: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...DELIVERY_CHANNELS] })),
    status: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...DELIVERY_STATUSES] })),
    referralId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9.-]+$' })),
    organisationId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' }),
    ),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$' })),
  },
  { additionalProperties: false },
);
export type ListNotificationsQuery = Static<typeof ListNotificationsQuerySchema>;
