import { parseCli, UsageError } from './cli';

describe('oidc:token arguments', () => {
  it('reads a username, an optional password and the options', () => {
    expect(parseCli(['ada.link'])).toEqual({ username: 'ada.link', json: false });
    expect(
      parseCli(['cara.lead', 'secret', '--json', '--issuer', 'http://127.0.0.1:9096', '--resource', 'urn:x']),
    ).toEqual({
      username: 'cara.lead',
      password: 'secret',
      json: true,
      issuer: 'http://127.0.0.1:9096',
      resource: 'urn:x',
    });
  });

  it('answers help, and refuses a missing username, unknown options and options without values', () => {
    expect(parseCli(['--help'])).toBe('help');
    expect(() => parseCli([])).toThrow(new UsageError('missing <username>'));
    expect(() => parseCli(['ada.link', '--colour'])).toThrow('unknown option --colour');
    expect(() => parseCli(['ada.link', '--issuer'])).toThrow('--issuer needs a value');
    expect(() => parseCli(['a', 'b', 'c'])).toThrow('unexpected argument c');
  });
});
