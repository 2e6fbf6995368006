import {
  addressAllowed,
  addressProblems,
  parseAllowedRanges,
  parseTargetUrl,
  rangeOf,
  refusalOf,
  urlProblems,
} from './target-policy';

const strict = { allowedRanges: new Set<string>(), allowHttp: false };
const local = { allowedRanges: parseAllowedRanges('loopback'), allowHttp: true };

describe('outbound target policy (SSRF guard)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
  ])('refuses %s (%s) by default', (address, range) => {
    expect(rangeOf(address)).toBe(range);
    expect(refusalOf(address, strict)).toBe(`${address} is a ${range} address`);
    expect(addressAllowed(address, strict)).toBe(false);
  });

  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:93.184.215.14'])(
    'allows the public unicast address %s',
    (address) => {
      expect(refusalOf(address, strict)).toBeUndefined();
      expect(addressAllowed(address, strict)).toBe(true);
    },
  );

  it('refuses what is not an address', () => {
    expect(rangeOf('partner.example')).toBe('invalid');
    expect(addressAllowed('partner.example', local)).toBe(false);
  });

  it('allows a range only when configuration names it', () => {
    const loopback = { allowedRanges: parseAllowedRanges(' loopback , '), allowHttp: true };
    expect(refusalOf('127.0.0.1', loopback)).toBeUndefined();
    expect(refusalOf('::1', loopback)).toBeUndefined();
    expect(refusalOf('10.0.0.1', loopback)).toBe('10.0.0.1 is a private address');
  });

  it('refuses a host when any one of its addresses is not public', () => {
    const problems = addressProblems('mixed.example', ['93.184.215.14', '10.0.0.7'], strict);
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'url',
        code: 'private_target',
        message: expect.stringContaining('10.0.0.7 is a private address'),
      }),
    ]);
    expect(addressProblems('public.example', ['93.184.215.14'], strict)).toEqual([]);
    expect(addressProblems('nowhere.example', [], strict)[0]!.code).toBe('unresolvable');
  });

  it('checks the URL: absolute, https unless allowed, no credentials or fragment', () => {
    const codes = (url: string, policy = strict) => {
      const parsed = parseTargetUrl(url, policy);
      return parsed.ok ? [] : parsed.problems.map((p) => p.code);
    };
    expect(codes('not a url')).toEqual(['invalid_url']);
    expect(codes('ftp://partner.example/x')).toEqual(['invalid_scheme']);
    expect(codes('http://partner.example/x')).toEqual(['https_required']);
    expect(codes('http://partner.example/x', { ...strict, allowHttp: true })).toEqual([]);
    expect(codes('https://user:pw@partner.example/x#top')).toEqual(['credentials_in_url', 'fragment_in_url']);
    const ok = parseTargetUrl('https://[::1]:8443/hook', strict);
    expect(ok.ok && ok.host).toBe('::1');
  });

  it('names the field and the schemes allowed in its messages', () => {
    const messages = (url: string, policy = strict) =>
      urlProblems(url, policy, 'channel.endpoint').map((p) => p.message);
    expect(messages('not a url')[0]).toMatch(/^channel\.endpoint must be an absolute URL/);
    expect(messages('ftp://127.0.0.1/hook', local)).toEqual([
      'channel.endpoint must use https or http, not ftp',
    ]);
    expect(messages('http://portal.example.org/hook')[0]).toMatch(/https/);
    expect(messages('https://u:p@portal.example.org/hook')[0]).toMatch(/credentials/);
  });

  it('without DNS: accepts a public https URL, refuses private, loopback and link-local literals and localhost', () => {
    expect(urlProblems('https://portal.example.org/fhir-hook', strict)).toEqual([]);
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '169.254.169.254',
      '[::1]',
      '[fe80::1]',
      '[::ffff:127.0.0.1]',
      'localhost',
      'api.localhost',
    ])
      expect(urlProblems(`https://${host}/hook`, strict).map((p) => p.code)).toEqual(['private_target']);
  });

  it('names every problem at once: the form and an address literal', () => {
    expect(urlProblems('http://user:pw@10.0.0.5/hook', strict).map((p) => p.code)).toEqual([
      'https_required',
      'credentials_in_url',
      'private_target',
    ]);
    expect(urlProblems('http://localhost/hook', strict).map((p) => p.code)).toEqual([
      'https_required',
      'private_target',
    ]);
  });

  it('a deployment may allow http and loopback (the local platform)', () => {
    expect(urlProblems('http://127.0.0.1:9999/hook', local)).toEqual([]);
    expect(urlProblems('http://localhost:9999/hook', local)).toEqual([]);
    expect(urlProblems('http://10.1.2.3/hook', local).map((p) => p.code)).toEqual(['private_target']);
  });
});
