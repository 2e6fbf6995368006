import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { activeSecrets, generateSecret, rotate, signedHeaders, type SigningSecret } from './signing';

const at = (iso: string) => new Date(iso);

describe('webhook signing (Standard Webhooks)', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });

  it('signs so that a receiver verifies with the secret (standardwebhooks), and with the raw HMAC recipe', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ type: 'referral.accepted', timestamp: '2026-12-01T10:00:00Z', data: {} });
    const now = new Date();
    const headers = signedHeaders('msg_abc', now, body, [secret]);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));

    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const raw = createHmac('sha256', key)
      .update(`msg_abc.${headers['webhook-timestamp']}.${body}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${raw}`);
    expect(() => new Webhook(secret).verify(body + ' ', headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(/No matching signature/);
  });

  it('during a rotation overlap sends both signatures, either secret verifying; after it only the new one', () => {
    const old: SigningSecret = { secret: generateSecret(), createdAt: at('2026-11-01T00:00:00Z') };
    const fresh: SigningSecret = { secret: generateSecret(), createdAt: at('2026-12-01T00:00:00Z') };
    const rotated = rotate([old], fresh, 3600, at('2026-12-01T00:00:00Z'));
    expect(rotated).toEqual([fresh, { ...old, expiresAt: at('2026-12-01T01:00:00Z') }]);

    const during = activeSecrets(rotated, at('2026-12-01T00:30:00Z')).map((s) => s.secret);
    expect(during).toEqual([fresh.secret, old.secret]);
    const body = '{"type":"referral.submitted"}';
    const headers = signedHeaders('msg_1', new Date(), body, during);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(() => new Webhook(old.secret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(fresh.secret).verify(body, headers)).not.toThrow();

    expect(activeSecrets(rotated, at('2026-12-01T01:00:00Z')).map((s) => s.secret)).toEqual([fresh.secret]);
  });

  it('never extends a secret already expiring, and overlap 0 drops the old secrets at once', () => {
    const now = at('2026-12-01T00:00:00Z');
    const older: SigningSecret = {
      secret: 'whsec_b2xk',
      createdAt: at('2026-10-01T00:00:00Z'),
      expiresAt: at('2026-12-01T00:10:00Z'),
    };
    const current: SigningSecret = { secret: 'whsec_Y3Vy', createdAt: at('2026-11-01T00:00:00Z') };
    const fresh: SigningSecret = { secret: 'whsec_bmV3', createdAt: now };
    const rotated = rotate([older, current], fresh, 86400, now);
    expect(rotated.map((s) => [s.secret, s.expiresAt?.toISOString()])).toEqual([
      ['whsec_bmV3', undefined],
      ['whsec_Y3Vy', '2026-12-02T00:00:00.000Z'],
      ['whsec_b2xk', '2026-12-01T00:10:00.000Z'],
    ]);
    expect(rotate([older, current], fresh, 0, now)).toEqual([fresh]);
  });
});
