import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { waitFor } from '@sp/testing';

// Proves that the mail sink infra/local/platform.sh runs is the real Mailpit with the settings the
// notifications tests and a developer rely on: SMTP on 127.0.0.1:1025 that accepts a relay's
// credentials over plain SMTP (as SMTP_URL with a user and password would send them), and the API on
// 127.0.0.1:8025 that finds a delivered message by recipient and shows its content. And that the
// fake GOV.UK Notify answers its health route on 127.0.0.1:8097.

const SMTP_PORT = Number(process.env['SP_SMTP_PORT'] ?? 1025);
const MAILPIT = `http://127.0.0.1:${process.env['SP_MAILPIT_PORT'] ?? 8025}`;
const NOTIFY_FAKE = `http://127.0.0.1:${process.env['SP_NOTIFY_FAKE_PORT'] ?? 8097}`;

interface Summary {
  ID: string;
  Subject: string;
  To: Array<{ Address: string }>;
}

describe('local mail infrastructure', () => {
  it('is Mailpit 1.33.1', async () => {
    const info = (await (await fetch(`${MAILPIT}/api/v1/info`)).json()) as { Version: string };
    expect(info.Version).toBe('v1.33.1');
  });

  it('delivers a message sent with SMTP credentials, found through the API by its recipient', async () => {
    const to = `infra-${randomUUID()}@example.org`;
    const transport = createTransport(`smtp://relay-user:relay-password@127.0.0.1:${SMTP_PORT}`);
    try {
      await transport.sendMail({ from: 'platform@example.org', to, subject: 'infra check', text: 'hello' });
    } finally {
      transport.close();
    }
    const found = await waitFor(
      async () => {
        const search = (await (
          await fetch(`${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:${to}`)}`)
        ).json()) as { messages: Summary[] };
        return search.messages.length > 0 ? search.messages : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'the message in Mailpit' },
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Subject: 'infra check', To: [{ Address: to }] });
    const message = (await (await fetch(`${MAILPIT}/api/v1/message/${found[0]!.ID}`)).json()) as {
      Text: string;
    };
    expect(message.Text.trim()).toBe('hello');
  });

  it('runs the fake GOV.UK Notify', async () => {
    const response = await fetch(`${NOTIFY_FAKE}/_fake/health`);
    expect(response.status).toBe(200);
  });
});
