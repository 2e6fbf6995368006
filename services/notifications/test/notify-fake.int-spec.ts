// The local fake GOV.UK Notify enforces Notify's documented API, so what passes against it passes
// against Notify: the official client (notifications-node-client) works against it unchanged, and
// it refuses what Notify refuses (JWT auth, iat clock skew, request bodies, rate limit) with
// Notify's error body; our adapter maps those refusals to retriable or permanent errors.
import { createHmac, randomUUID } from 'node:crypto';
import { NotifyClient as OfficialNotifyClient } from 'notifications-node-client';
import { LOCAL_NOTIFY_TEMPLATES } from '../src/notify/notify.config';
import { NotifyClient, NotifyErrorCodes, type NotifyError } from '../src/notify/notify-client';
import {
  LOCAL_NOTIFY_KEY,
  LOCAL_NOTIFY_SECRET,
  LOCAL_NOTIFY_SERVICE_ID,
  startNotifyFake,
  type NotifyFake,
} from './support/notify-fake-process';

jest.setTimeout(60_000);

const SMS = LOCAL_NOTIFY_TEMPLATES['patient-referral-made-sms'];
const EMAIL = LOCAL_NOTIFY_TEMPLATES['patient-referral-made-email'];
const personalisation = { organisation_name: 'Riverside GP', service_name: 'Befriending' };

function jwt(claims: Record<string, unknown>, secret: string, alg = 'HS256'): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${enc({ typ: 'JWT', alg })}.${enc(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

type NotifyErrorBody = { status_code: number; errors: { error: string; message: string }[] };

async function rejection(p: Promise<unknown>): Promise<{ status: number; data: NotifyErrorBody }> {
  try {
    await p;
  } catch (e) {
    const res = (e as { response?: { status: number; data: NotifyErrorBody } }).response;
    if (res) return res;
    throw e;
  }
  throw new Error('expected Notify to refuse the request');
}

describe('fake GOV.UK Notify', () => {
  let fake: NotifyFake;
  let official: OfficialNotifyClient;

  beforeAll(async () => {
    fake = await startNotifyFake({ SP_NOTIFY_FAKE_RATE_LIMIT: '1000' });
    official = new OfficialNotifyClient(fake.baseUrl, LOCAL_NOTIFY_KEY);
  });
  afterAll(() => fake?.stop());

  it('accepts a text message and an email from the official client and answers as Notify documents', async () => {
    const reference = `ref-${randomUUID()}`;
    const sms = await official.sendSms(SMS, '07700 900123', { personalisation, reference });
    expect(sms.status).toBe(201);
    expect(sms.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      reference,
      content: {
        body: expect.stringContaining('Riverside GP has referred you to Befriending'),
        from_number: expect.any(String),
      },
      uri: `${fake.baseUrl}/v2/notifications/${sms.data.id}`,
      template: { id: SMS, version: 1, uri: expect.any(String) },
      scheduled_for: null,
    });
    const email = await official.sendEmail(EMAIL, 'someone@example.org', { personalisation, reference });
    expect(email.status).toBe(201);
    expect(email.data.content).toEqual(
      expect.objectContaining({
        subject: expect.any(String),
        body: expect.stringContaining('Befriending'),
        from_email: expect.any(String),
      }),
    );

    const status = await official.getNotificationById(sms.data.id);
    expect(status.data).toEqual(
      expect.objectContaining({
        id: sms.data.id,
        reference,
        type: 'sms',
        phone_number: '+447700900123',
        status: 'sending',
      }),
    );
    const received = await fake.messages({ reference });
    expect(received.map((m) => m.type).sort()).toEqual(['email', 'sms']);
    expect(received.find((m) => m.type === 'sms')?.request.phone_number).toBe('07700 900123');
  });

  it('refuses requests without a valid JWT bearer token (401/403 AuthError)', async () => {
    const url = `${fake.baseUrl}/v2/notifications/sms`;
    const body = JSON.stringify({ template_id: SMS, phone_number: '07700900123', personalisation });
    const post = async (authorization?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });
      return { status: res.status, body: (await res.json()) as NotifyErrorBody };
    };
    const now = Math.round(Date.now() / 1000);
    const cases: [string | undefined, number, string][] = [
      [undefined, 401, 'Unauthorized: authentication token must be provided'],
      [`Basic ${LOCAL_NOTIFY_KEY}`, 401, 'Unauthorized: authentication bearer scheme must be used'],
      [
        `Bearer ${jwt({ iss: LOCAL_NOTIFY_SERVICE_ID, iat: now }, randomUUID())}`,
        403,
        'Invalid token: API key not found',
      ],
      [
        `Bearer ${jwt({ iss: randomUUID(), iat: now }, LOCAL_NOTIFY_SECRET)}`,
        403,
        'Invalid token: service not found',
      ],
      [`Bearer ${jwt({ iat: now }, LOCAL_NOTIFY_SECRET)}`, 403, 'Invalid token: iss field not provided'],
      [
        `Bearer ${jwt({ iss: LOCAL_NOTIFY_SERVICE_ID, iat: now }, LOCAL_NOTIFY_SECRET, 'none')}`,
        403,
        'Invalid token: algorithm used is not HS256',
      ],
      [
        `Bearer ${jwt({ iss: LOCAL_NOTIFY_SERVICE_ID, iat: now - 45 }, LOCAL_NOTIFY_SECRET)}`,
        403,
        'Error: Your system clock must be accurate to within 30 seconds',
      ],
      [
        `Bearer ${jwt({ iss: LOCAL_NOTIFY_SERVICE_ID, iat: now + 45 }, LOCAL_NOTIFY_SECRET)}`,
        403,
        'Error: Your system clock must be accurate to within 30 seconds',
      ],
    ];
    for (const [authorization, status, message] of cases) {
      const answer = await post(authorization);
      expect({ authorization, ...answer }).toEqual({
        authorization,
        status,
        body: { status_code: status, errors: [{ error: 'AuthError', message }] },
      });
    }
    // The same body with a fresh, correctly signed token is accepted.
    expect(
      (await post(`Bearer ${jwt({ iss: LOCAL_NOTIFY_SERVICE_ID, iat: now }, LOCAL_NOTIFY_SECRET)}`)).status,
    ).toBe(201);
  });

  it('refuses bad bodies with one ValidationError per problem, and unknown templates and missing personalisation', async () => {
    const post = (path: string, body: unknown) => official.apiClient.post(path, body) as Promise<unknown>;
    const missing = await rejection(post('/v2/notifications/sms', { personalisation: 'x', colour: 'red' }));
    expect(missing.status).toBe(400);
    expect(missing.data.status_code).toBe(400);
    expect(missing.data.errors).toEqual(
      expect.arrayContaining([
        { error: 'ValidationError', message: 'template_id is a required property' },
        { error: 'ValidationError', message: 'phone_number is a required property' },
        { error: 'ValidationError', message: 'personalisation "x" is not of type object' },
        {
          error: 'ValidationError',
          message: "Additional properties are not allowed ('colour' was unexpected)",
        },
      ]),
    );
    expect(missing.data.errors).toHaveLength(4);

    for (const [number, message] of [
      ['01632 960001', 'phone_number Not a UK mobile number'],
      ['07700 90012', 'phone_number Not enough digits'],
      ['07700 9001234', 'phone_number Too many digits'],
      ['0770O 900123', 'phone_number Must not contain letters or symbols'],
    ] as const) {
      const bad = await rejection(official.sendSms(SMS, number, { personalisation }));
      expect(bad).toEqual(expect.objectContaining({ status: 400 }));
      expect(bad.data.errors).toEqual([{ error: 'ValidationError', message }]);
    }
    const badEmail = await rejection(official.sendEmail(EMAIL, 'not-an-address', { personalisation }));
    expect(badEmail.data.errors).toEqual([
      { error: 'ValidationError', message: 'email_address Not a valid email address' },
    ]);
    const unknown = await rejection(official.sendSms(randomUUID(), '07700900123', { personalisation }));
    expect(unknown.data).toEqual({
      status_code: 400,
      errors: [{ error: 'BadRequestError', message: 'Template not found' }],
    });
    const wrongType = await rejection(official.sendSms(EMAIL, '07700900123', { personalisation }));
    expect(wrongType.data.errors[0]?.error).toBe('BadRequestError');
    const noPersonalisation = await rejection(
      official.sendSms(SMS, '07700900123', { personalisation: { service_name: 'x' } }),
    );
    expect(noPersonalisation.data.errors).toEqual([
      { error: 'BadRequestError', message: 'Missing personalisation: organisation_name' },
    ]);
    const notFound = await rejection(official.getNotificationById(randomUUID()));
    expect(notFound.data).toEqual({
      status_code: 404,
      errors: [{ error: 'NoResultFound', message: 'No result found' }],
    });
  });

  it('answers 429 RateLimitError past the per-key limit; our adapter maps it (and 400/403) to coded errors', async () => {
    const limited = await startNotifyFake({ SP_NOTIFY_FAKE_RATE_LIMIT: '3' });
    try {
      const config = {
        NOTIFY_BASE_URL: limited.baseUrl,
        NOTIFY_API_KEY: LOCAL_NOTIFY_KEY,
        NOTIFY_TEMPLATES: JSON.stringify(LOCAL_NOTIFY_TEMPLATES),
        NOTIFY_TIMEOUT_MS: 5000,
      };
      const adapter = new NotifyClient(config);
      const sms = (phoneNumber: string) =>
        adapter.sendSms({
          templateId: adapter.templateId('patient-referral-made-sms'),
          phoneNumber,
          personalisation,
          reference: 'r',
        });
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: NotifyError) => ({ code: e.code, retriable: e.retriable, message: e.message }),
        );

      expect(await sms('07700900123')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await failure(sms('01632960001'))).toEqual({
        code: NotifyErrorCodes.REJECTED,
        retriable: false,
        message: 'Notify answered 400 (ValidationError)',
      });
      const wrongKey = new NotifyClient({
        ...config,
        NOTIFY_API_KEY: `sp-local-${LOCAL_NOTIFY_SERVICE_ID}-${randomUUID()}`,
      });
      expect(
        await failure(
          wrongKey.sendSms({ templateId: SMS, phoneNumber: '07700900123', personalisation, reference: 'r' }),
        ),
      ).toEqual(expect.objectContaining({ code: NotifyErrorCodes.AUTH_FAILED, retriable: false }));
      // Two requests with this key so far (a refused body counts, as at Notify; a token that fails
      // authentication belongs to no key): the third is accepted, the fourth is limited.
      const official = new OfficialNotifyClient(limited.baseUrl, LOCAL_NOTIFY_KEY);
      expect((await official.sendSms(SMS, '07700900123', { personalisation })).status).toBe(201);
      expect(await failure(sms('07700900123'))).toEqual(
        expect.objectContaining({ code: NotifyErrorCodes.RATE_LIMITED, retriable: true }),
      );
      const limitedAnswer = await rejection(official.sendSms(SMS, '07700900123', { personalisation }));
      expect(limitedAnswer.status).toBe(429);
      expect(limitedAnswer.data).toEqual({
        status_code: 429,
        errors: [
          {
            error: 'RateLimitError',
            message: 'Exceeded rate limit for key type live of 3 requests per 60 seconds',
          },
        ],
      });
      expect(() => adapter.templateId('no-such-template')).toThrow(
        expect.objectContaining({ code: NotifyErrorCodes.TEMPLATE_UNKNOWN }),
      );
    } finally {
      await limited.stop();
    }
    // Notify unreachable: retriable.
    const gone = new NotifyClient({
      NOTIFY_BASE_URL: limited.baseUrl,
      NOTIFY_API_KEY: LOCAL_NOTIFY_KEY,
      NOTIFY_TEMPLATES: '{}',
      NOTIFY_TIMEOUT_MS: 2000,
    });
    await expect(
      gone.sendSms({ templateId: SMS, phoneNumber: '07700900123', personalisation, reference: 'r' }),
    ).rejects.toEqual(expect.objectContaining({ code: NotifyErrorCodes.UNAVAILABLE, retriable: true }));
  });
});
