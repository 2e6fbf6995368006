import { Type } from '@sinclair/typebox';
import { secret } from '@sp/config';

/** Configuration of the operations endpoints (queue overview, failed jobs, the BullMQ dashboard). */
export const OpsConfigProperties = {
  OPS_EXTRA_QUEUES: Type.String({
    default: 'referrals/referrals-deadline,referrals/fhir-subscriptions-delivery',
    pattern:
      '^$|^([a-z0-9-]+/)?([A-Za-z0-9_-]+:)?[A-Za-z0-9_.-]+(,([a-z0-9-]+/)?([A-Za-z0-9_-]+:)?[A-Za-z0-9_.-]+)*$',
    description:
      "Other services' BullMQ queues on the same Redis shown to operators beside this service's own: comma-separated `[owner/][prefix:]name` (prefix: this service's QUEUE_PREFIX when not said). Default: the referrals service's deadline and FHIR subscription queues",
  }),
  OPS_BOARD_SESSION_SECRET: secret(
    Type.String({
      default: '',
      pattern: '^$|^.{32,}$',
      description:
        'Key that signs the BullMQ dashboard session cookie (32+ characters). Empty: a random key per process, so a session works only on the instance that made it; set it when running several instances',
    }),
  ),
  OPS_BOARD_SESSION_SECONDS: Type.Integer({
    minimum: 30,
    maximum: 3600,
    default: 900,
    description: 'Lifetime of a BullMQ dashboard session (never beyond the ops token that opened it)',
  }),
};
