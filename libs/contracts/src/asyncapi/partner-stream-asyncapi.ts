import {
  PARTNER_STRUCTURED_CONTENT_TYPE,
  PartnerReferralEventV1Schema,
  partnerReferralEventV1Example,
} from '../partner/partner-referral-event.v1';

const KAFKA_BINDING_VERSION = '0.5.0';
export const PARTNER_CHANNEL_ID = 'partner.referrals.v1';
const MESSAGE_ID = 'partner.referral-event.v1';

/**
 * The partner event stream's part of the AsyncAPI document: its SCRAM-secured servers, the
 * per-organisation channel (a parameter in the address), the notifications service sending and a
 * partner system receiving, and the structured CloudEvent it carries.
 */
export function partnerStreamAsyncApi(): {
  servers: Record<string, unknown>;
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  messages: Record<string, unknown>;
  securitySchemes: Record<string, unknown>;
} {
  const security = [{ $ref: '#/components/securitySchemes/partnerScram' }];
  return {
    servers: {
      'partner-local': {
        host: '127.0.0.1:9094',
        protocol: 'kafka',
        description:
          "The local broker's SASL_PLAINTEXT listener for partner systems (infra/local/platform.sh). ACLs let each partner read its own topics and consumer groups only.",
        security,
      },
      'partner-production': {
        host: '{partnerBootstrap}',
        protocol: 'kafka-secure',
        description: 'The partner listener in production (SASL_SSL; PARTNER_KAFKA_BOOTSTRAP).',
        variables: {
          partnerBootstrap: {
            default: 'partners.kafka.example.invalid:9094',
            description: 'Bootstrap host:port',
          },
        },
        security,
      },
    },
    channels: {
      [PARTNER_CHANNEL_ID]: {
        address: 'sp.partner.{organisationId}.referrals.v1',
        title: 'Partner event stream',
        description: [
          "One organisation's referral notifications for its own systems, as structured CloudEvents.",
          'Read with the SCRAM credentials from `POST /v1/partner-stream/credentials` (notifications service),',
          'in a consumer group whose id starts with `sp.partner.<organisationId>.`. Key: the referral id.',
          'See docs/notifications/partner-streams.md.',
        ].join(' '),
        parameters: {
          organisationId: { description: 'The organisation the stream belongs to (its id, a UUID).' },
        },
        servers: [{ $ref: '#/servers/partner-local' }, { $ref: '#/servers/partner-production' }],
        messages: { [MESSAGE_ID]: { $ref: `#/components/messages/${MESSAGE_ID}` } },
        bindings: { kafka: { bindingVersion: KAFKA_BINDING_VERSION } },
      },
    },
    operations: {
      [`notifications.send.${MESSAGE_ID}`]: {
        action: 'send',
        channel: { $ref: `#/channels/${PARTNER_CHANNEL_ID}` },
        title: "notifications produces an organisation's notices to its partner stream",
        messages: [{ $ref: `#/channels/${PARTNER_CHANNEL_ID}/messages/${MESSAGE_ID}` }],
        tags: [{ name: 'notifications' }],
      },
      [`partner.receive.${MESSAGE_ID}`]: {
        action: 'receive',
        channel: { $ref: `#/channels/${PARTNER_CHANNEL_ID}` },
        title: 'A partner system (e.g. a VCS portal) consumes its own stream',
        messages: [{ $ref: `#/channels/${PARTNER_CHANNEL_ID}/messages/${MESSAGE_ID}` }],
        tags: [{ name: 'partner' }],
      },
    },
    messages: {
      [MESSAGE_ID]: {
        name: MESSAGE_ID,
        title: 'Partner referral event v1',
        summary:
          'A referral notification for the organisation: ids, type, time, status and coded reason only.',
        description:
          "CloudEvents Kafka binding, structured content mode: the value is the whole event as JSON. `type` is the platform event's type; `id` the notice id (dedupe on it: delivery is at least once).",
        contentType: PARTNER_STRUCTURED_CONTENT_TYPE,
        headers: {
          type: 'object',
          required: ['content-type'],
          properties: { 'content-type': { type: 'string', const: PARTNER_STRUCTURED_CONTENT_TYPE } },
        },
        payload: JSON.parse(JSON.stringify(PartnerReferralEventV1Schema)) as Record<string, unknown>,
        bindings: {
          kafka: {
            key: { type: 'string', description: 'The referral id.' },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
        examples: [
          {
            name: 'example',
            headers: { 'content-type': PARTNER_STRUCTURED_CONTENT_TYPE },
            payload: partnerReferralEventV1Example,
          },
        ],
      },
    },
    securitySchemes: {
      partnerScram: {
        type: 'scramSha512',
        description:
          'SASL/SCRAM-SHA-512 (SCRAM-SHA-256 also accepted) with the per-organisation user `partner-<organisationId>-<generation>` and its password, issued and rotated (a new user each time) through the notifications API.',
      },
    },
  };
}
