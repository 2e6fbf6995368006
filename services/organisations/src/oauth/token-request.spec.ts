import { isDomainError } from '@sp/errors';
import { parseTokenRequest } from './token-request';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isDomainError(error) ? error.code : 'not-a-domain-error';
  }
  return undefined;
}

describe('parseTokenRequest', () => {
  it('accepts client credentials in the form body', () => {
    expect(
      parseTokenRequest({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' }, undefined),
    ).toEqual({
      clientId: 'a',
      clientSecret: 'b',
    });
  });

  it('accepts HTTP Basic client authentication', () => {
    const header = `Basic ${Buffer.from('gp%3A1:s%40cret').toString('base64')}`;
    expect(parseTokenRequest({ grant_type: 'client_credentials' }, header)).toEqual({
      clientId: 'gp:1',
      clientSecret: 's@cret',
    });
  });

  it('names every missing field', () => {
    try {
      parseTokenRequest({}, undefined);
      throw new Error('expected a failure');
    } catch (error) {
      expect(isDomainError(error) && error.problems.map((p) => p.field)).toEqual([
        'grant_type',
        'client_id',
        'client_secret',
      ]);
    }
  });

  it('refuses other grant types', () => {
    expect(
      codeOf(() =>
        parseTokenRequest({ grant_type: 'password', client_id: 'a', client_secret: 'b' }, undefined),
      ),
    ).toBe('OAUTH.UNSUPPORTED_GRANT_TYPE');
  });

  it('refuses malformed Basic credentials', () => {
    expect(codeOf(() => parseTokenRequest({ grant_type: 'client_credentials' }, 'Basic bm9jb2xvbg=='))).toBe(
      'OAUTH.INVALID_CLIENT',
    );
  });
});
