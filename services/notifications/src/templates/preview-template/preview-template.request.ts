import { Type, type Static } from '@sinclair/typebox';
import { schemaValidator } from '@sp/validation';

/** POST /v1/notification-templates/{name}/preview. */
export const PreviewTemplateBody = Type.Object(
  {
    personalisation: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 10_000 }), {
      description: 'A value for each ((placeholder)) of the template version (extra values are ignored)',
    }),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Template version; default the latest' })),
  },
  { additionalProperties: false },
);

export type PreviewTemplateBody = Static<typeof PreviewTemplateBody>;

export const previewTemplateBody = schemaValidator(PreviewTemplateBody);
