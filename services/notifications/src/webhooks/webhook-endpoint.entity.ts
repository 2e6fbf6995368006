import type { DisabledReason } from './domain/delivery-rules';
import type { SealedSecret } from './secret-box';

/** A signing secret as stored: sealed (AES-256-GCM); `expiresAt` on a previous one kept for an overlap. */
export interface StoredSecret {
  sealed: SealedSecret;
  createdAt: Date;
  expiresAt?: Date;
}

/** An organisation's webhook endpoint (collection webhook_endpoints). */
export interface WebhookEndpointDocument {
  _id: string;
  organisationId: string;
  url: string;
  /** Event kinds it hears of ('referral.submitted', ...); empty: every kind. */
  eventTypes: string[];
  description?: string;
  enabled: boolean;
  disabledReason?: DisabledReason;
  disabledAt?: Date;
  /** First failed attempt since the last success (cleared by a success). */
  failingSince?: Date;
  lastSuccessAt?: Date;
  secrets: StoredSecret[];
  createdAt: Date;
  updatedAt: Date;
}

/** What the API shows of an endpoint: never a secret (only the answers to create and rotate carry one). */
export interface WebhookEndpointView {
  id: string;
  organisationId: string;
  url: string;
  eventTypes: string[];
  description?: string;
  enabled: boolean;
  disabledReason?: DisabledReason;
  disabledAt?: string;
  failingSince?: string;
  lastSuccessAt?: string;
  /** When the current secret was made, and until when the previous one still signs (rotation overlap). */
  secretCreatedAt: string;
  previousSecretExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function toEndpointView(e: WebhookEndpointDocument, now = new Date()): WebhookEndpointView {
  const current = e.secrets.find((s) => s.expiresAt === undefined) ?? e.secrets[0];
  const overlapping = e.secrets
    .filter((s) => s.expiresAt !== undefined && s.expiresAt.getTime() > now.getTime())
    .map((s) => s.expiresAt!.getTime());
  return {
    id: e._id,
    organisationId: e.organisationId,
    url: e.url,
    eventTypes: e.eventTypes,
    ...(e.description !== undefined ? { description: e.description } : {}),
    enabled: e.enabled,
    ...(e.disabledReason ? { disabledReason: e.disabledReason } : {}),
    ...(e.disabledAt ? { disabledAt: e.disabledAt.toISOString() } : {}),
    ...(e.failingSince ? { failingSince: e.failingSince.toISOString() } : {}),
    ...(e.lastSuccessAt ? { lastSuccessAt: e.lastSuccessAt.toISOString() } : {}),
    secretCreatedAt: (current?.createdAt ?? e.createdAt).toISOString(),
    ...(overlapping.length > 0
      ? { previousSecretExpiresAt: new Date(Math.max(...overlapping)).toISOString() }
      : {}),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
