import { Type, type Static } from '@sinclair/typebox';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { schemaValidator } from '@sp/validation';
import { isWebhookEventKind, WEBHOOK_EVENT_KINDS } from '../domain/event-kinds';
import { MAX_OVERLAP_SECONDS } from '../domain/signing';
import type { TargetGuard } from '@sp/outbound-http';

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'https URL the webhooks are POSTed to',
});
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 50,
  uniqueItems: true,
  description: `Event kinds to receive (absent or empty: all): ${WEBHOOK_EVENT_KINDS.join(', ')}`,
});
const Description = Type.String({ maxLength: 500 });

/** Body of POST /v1/webhook-endpoints. */
export const CreateEndpointRequestSchema = Type.Object(
  { url: Url, eventTypes: Type.Optional(EventTypes), description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type CreateEndpointRequest = Static<typeof CreateEndpointRequestSchema>;

/** Body of PATCH /v1/webhook-endpoints/{id}: the fields to change (enabled: true re-enables). */
export const UpdateEndpointRequestSchema = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateEndpointRequest = Static<typeof UpdateEndpointRequestSchema>;

/** Body of POST /v1/webhook-endpoints/{id}/rotate-secret (optional). */
export const RotateSecretRequestSchema = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_OVERLAP_SECONDS,
        description: 'How long the previous secret keeps signing too (default 24 h, at most 7 days)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const createEndpointRequest = schemaValidator(CreateEndpointRequestSchema);
export const updateEndpointRequest = schemaValidator(UpdateEndpointRequestSchema);
export const rotateSecretRequest = schemaValidator(RotateSecretRequestSchema);

/** The shared guard's problem, in the webhooks' words (codes are the same). */
function webhookWording(problem: FieldProblem): FieldProblem {
  if (problem.code === 'credentials_in_url')
    return { ...problem, message: `${problem.message}: the signature authenticates deliveries` };
  return problem;
}

/**
 * The checks beyond shape: the URL (form, https, and every address its host resolves to) and each
 * event kind. Throws one 422 naming every problem; nothing is changed.
 */
export async function assertAcceptableEndpoint(
  guard: TargetGuard,
  fields: { url?: string; eventTypes?: string[] },
): Promise<void> {
  const problems: FieldProblem[] = [];
  if (fields.url !== undefined) problems.push(...(await guard.check(fields.url, 'url')).map(webhookWording));
  (fields.eventTypes ?? []).forEach((kind, i) => {
    if (!isWebhookEventKind(kind)) {
      problems.push({
        field: `eventTypes[${i}]`,
        code: 'unknown_event_type',
        message: `eventTypes[${i}]: '${kind}' is not a referral event kind (known: ${WEBHOOK_EVENT_KINDS.join(', ')})`,
      });
    }
  });
  if (problems.length > 0)
    throw new ValidationError('The webhook endpoint is not acceptable', problems, { status: 422 });
}
