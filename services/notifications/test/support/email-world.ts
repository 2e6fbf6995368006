// A notifications instance (support/notifications-instance.ts) that also consumes the directory
// topic and sends email through the real SMTP server of the local platform (Mailpit), with helpers
// for organisations, events, API calls and reading the mail. Shared by the email, preferences,
// digest and webhook specs.
import type { INestApplication } from '@nestjs/common';
import type { Static, TSchema } from '@sinclair/typebox';
import {
  createEnvelope,
  OrganisationContactEmailChangedV1,
  ReferralSubmittedV1,
  Topics,
  type EventContract,
  type EventEnvelope,
} from '@sp/contracts';
import type { Role } from '@sp/identity';
import { waitFor } from '@sp/testing';
import { runName, startNotificationsInstance } from './notifications-instance';

/** Mailpit of infra/local/platform.sh (SMTP for the service, HTTP API for the assertions). */
export const mailpit = {
  smtpUrl: `smtp://127.0.0.1:${process.env['SP_SMTP_PORT'] ?? '1025'}`,
  apiUrl: `http://127.0.0.1:${process.env['SP_MAILPIT_PORT'] ?? '8025'}`,
};

export interface MailpitSummary {
  ID: string;
  Subject: string;
  From: { Address: string };
  To: Array<{ Address: string }>;
}

export interface MailpitMessage {
  ID: string;
  Subject: string;
  Text: string;
  HTML: string;
  From: { Address: string };
  To: Array<{ Address: string }>;
}

/**
 * The From address of this test file's service instance. Every notifications instance running at
 * the same time (other test files, other checkouts) consumes the same shared topics and would email
 * the same organisations at their default preferences: assertions look at this instance's mail only.
 */
let sentFrom: string | undefined;

/** Messages this instance delivered to an address, newest first. */
export async function mailTo(address: string): Promise<MailpitSummary[]> {
  const response = await fetch(
    `${mailpit.apiUrl}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`,
  );
  if (response.status !== 200) throw new Error(`Mailpit search answered ${response.status}`);
  const body = (await response.json()) as { messages: MailpitSummary[] };
  // Mailpit's to: search matches substrings; keep exact recipients only.
  return body.messages.filter(
    (m) =>
      m.To.some((t) => t.Address.toLowerCase() === address.toLowerCase()) &&
      (sentFrom === undefined || m.From.Address.toLowerCase() === sentFrom),
  );
}

export async function mailMessage(id: string): Promise<MailpitMessage> {
  const response = await fetch(`${mailpit.apiUrl}/api/v1/message/${id}`);
  if (response.status !== 200) throw new Error(`Mailpit message answered ${response.status}`);
  return (await response.json()) as MailpitMessage;
}

/** Waits for `count` messages to the address and answers them in full. */
export async function waitForMail(
  address: string,
  count = 1,
  description = `mail to ${address}`,
): Promise<MailpitMessage[]> {
  const found = await waitFor(
    async () => {
      const messages = await mailTo(address);
      return messages.length >= count ? messages : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, description },
  );
  return Promise.all(found.map((m) => mailMessage(m.ID)));
}

export interface EmailWorld {
  run: string;
  app: INestApplication;
  url: string;
  publish(envelopes: EventEnvelope[]): Promise<void>;
  event<S extends TSchema>(contract: EventContract<S>, data: Static<S>): EventEnvelope;
  token(organisationId: string, role?: Role): Promise<string>;
  /** A run-unique organisation with a directory contact email (published as the directory does). */
  organisation(label: string, withEmail?: boolean): Promise<{ id: string; email: string }>;
  submitted(referralId: string, to: string, from?: string): EventEnvelope;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startEmailWorld(name: string, env: Record<string, string> = {}): Promise<EmailWorld> {
  const run = runName(name);
  sentFrom = `notifications.${run}@sp.example.org`.toLowerCase();
  const instance = await startNotificationsInstance(run, {
    topics: [Topics.referralLifecycle, Topics.directory],
    env: {
      SMTP_URL: mailpit.smtpUrl,
      SMTP_FROM: `Referrals test <${sentFrom}>`,
      EMAIL_BACKOFF_MS: '200',
      ...env,
    },
  });
  const { app, url, publish } = instance;
  const event = <S extends TSchema>(contract: EventContract<S>, data: Static<S>): EventEnvelope =>
    createEnvelope(contract, data, {
      source: contract.producer === 'organisations' ? '/services/organisations' : '/services/referrals',
      correlationId: run,
    });
  let organisations = 0;

  return {
    run,
    app,
    url,
    publish,
    event,
    token: (organisationId, role = 'provider') =>
      instance.token({ clientId: `client-${run}`, organisationId, role }),
    organisation: async (label, withEmail = true) => {
      organisations += 1;
      const id = `org-${run}-${organisations}`.replace(/_/g, '-').slice(0, 64);
      const email = `${label}.${run}@example.org`.toLowerCase();
      if (withEmail) {
        await publish([
          event(OrganisationContactEmailChangedV1, {
            organisationId: id,
            email,
            occurredAt: new Date().toISOString(),
          }),
        ]);
      }
      return { id, email };
    },
    submitted: (referralId, to, from = `gp-${run}`) =>
      event(ReferralSubmittedV1, {
        referralId,
        requesterOrganisationId: from.replace(/_/g, '-'),
        requesterOdsCode: 'A81001',
        ownerOrganisationId: to,
        needs: ['sp-need-loneliness'],
        priority: 'routine',
        status: 'requested',
        patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
        occurredAt: new Date().toISOString(),
      }),
    api: async <T>(method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    close: () => instance.close(),
  };
}
