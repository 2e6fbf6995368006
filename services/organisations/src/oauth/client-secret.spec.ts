import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret';

describe('client secrets', () => {
  it('verifies the secret that was hashed and nothing else', async () => {
    const secretValue = generateClientSecret();
    const stored = await hashClientSecret(secretValue);
    expect(stored).not.toContain(secretValue);
    await expect(verifyClientSecret(secretValue, stored)).resolves.toBe(true);
    await expect(verifyClientSecret(`${secretValue}x`, stored)).resolves.toBe(false);
  });

  it('salts each hash', async () => {
    const a = await hashClientSecret('same');
    const b = await hashClientSecret('same');
    expect(a).not.toBe(b);
  });

  it('rejects malformed stored hashes', async () => {
    await expect(verifyClientSecret('x', 'plain-text')).resolves.toBe(false);
  });
});
