import { clientProof, newMachinePassword, saltedPassword, SCRAM_MIN_ITERATIONS } from './scram-password';

describe('SCRAM salted passwords', () => {
  // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096
  // iterations. The RFC publishes the exchange, not SaltedPassword itself: the client proof it
  // shows is only reproduced from the right SaltedPassword.
  it('reproduces the client proof of the RFC 7677 SCRAM-SHA-256 example', () => {
    const salted = saltedPassword(
      'pencil',
      Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
      4096,
      'sha256',
    );
    expect(salted).toHaveLength(32);
    const authMessage = [
      'n=user,r=rOprNGfwEbeRWgbNEkqO',
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    ].join(',');
    expect(clientProof(salted, authMessage, 'sha256').toString('base64')).toBe(
      'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
  });

  it('makes 64-byte salted passwords for SCRAM-SHA-512', () => {
    expect(saltedPassword('pencil', Buffer.from('salt'), 4096, 'sha512')).toHaveLength(64);
  });

  it('refuses fewer iterations than Kafka accepts', () => {
    expect(() => saltedPassword('p', Buffer.from('s'), SCRAM_MIN_ITERATIONS - 1, 'sha512')).toThrow(/4096/);
  });

  it('makes long, URL-safe, distinct machine passwords', () => {
    const a = newMachinePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newMachinePassword()).not.toBe(a);
  });
});
