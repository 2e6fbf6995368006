import { Type, type Static } from '@sinclair/typebox';

const NoticeId = Type.String({ minLength: 1, maxLength: 400 });

/** Body of POST /v1/inbox/ack: the notices to acknowledge, all or none. */
export const AcknowledgeNoticesBodySchema = Type.Object(
  { ids: Type.Array(NoticeId, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export type AcknowledgeNoticesBody = Static<typeof AcknowledgeNoticesBodySchema>;

/** Path parameter of POST /v1/inbox/{id}/ack. */
export const NoticeIdParamSchema = NoticeId;
