import { Type } from '@sinclair/typebox';

/** Every environment variable of partner event streams (spread into the service's config schema). */
export const PartnerStreamConfigProperties = {
  PARTNER_KAFKA_BOOTSTRAP: Type.String({
    default: '127.0.0.1:9094',
    pattern: '^\\s*[^\\s,]+:\\d{1,5}\\s*(,\\s*[^\\s,]+:\\d{1,5}\\s*)*$',
    expectation: 'comma-separated list of host:port',
    description:
      "Bootstrap servers partners connect to: the broker's SASL listener (SCRAM), told to each partner with its credentials. Locally infra/local/platform.sh opens it on 127.0.0.1:9094",
  }),
  PARTNER_STREAM_PARTITIONS: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 3,
    description: "Partitions of each organisation's partner topic (created with its first credentials)",
  }),
  PARTNER_SCRAM_ITERATIONS: Type.Integer({
    minimum: 4096,
    maximum: 1_000_000,
    default: 8192,
    description: 'PBKDF2 iterations of the SCRAM credentials made for partners (Kafka needs at least 4096)',
  }),
};
