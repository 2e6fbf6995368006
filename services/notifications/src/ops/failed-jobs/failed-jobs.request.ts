import { Type, type Static } from '@sinclair/typebox';

/** Query of GET /v1/ops/queues/{name}/failed. */
export const FailedJobsQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$' })),
  },
  { additionalProperties: false },
);
export type FailedJobsQuery = Static<typeof FailedJobsQuerySchema>;

/** A BullMQ job id as BullMQ makes them (numbers) or producers set them (our idempotent ids). */
export const JobIdSchema = Type.String({ minLength: 1, maxLength: 400 });
