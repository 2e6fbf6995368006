import { SecretBox } from './secret-box';

describe('SecretBox (AES-256-GCM at rest)', () => {
  const box = new SecretBox('a-long-random-key-for-tests-only-0123456789');

  it('seals so the plaintext is not stored, and opens it again', () => {
    const sealed = box.seal('whsec_c2VjcmV0', 'ep-1');
    expect(JSON.stringify(sealed)).not.toContain('whsec_');
    expect(JSON.stringify(sealed)).not.toContain('c2VjcmV0');
    expect(box.open(sealed, 'ep-1')).toBe('whsec_c2VjcmV0');
    expect(box.seal('whsec_c2VjcmV0', 'ep-1').iv).not.toBe(sealed.iv);
  });

  it('refuses another endpoint, a tampered ciphertext, and another key', () => {
    const sealed = box.seal('whsec_c2VjcmV0', 'ep-1');
    expect(() => box.open(sealed, 'ep-2')).toThrow();
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open({ ...sealed, ciphertext: flipped.toString('base64') }, 'ep-1')).toThrow();
    expect(() => new SecretBox('another-key-another-key-another-key').open(sealed, 'ep-1')).toThrow(
      /sealed under key/,
    );
  });
});
