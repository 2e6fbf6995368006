import { addressAllowed, endpointProblems, parseAllowedRanges } from './endpoint-guard';

const strict = { allowHttp: false, allowedRanges: new Set<string>() };
const local = { allowHttp: true, allowedRanges: parseAllowedRanges('loopback') };

describe('rest-hook endpoint guard (SSRF)', () => {
  it('accepts public https endpoints', () => {
    expect(endpointProblems('https://portal.example.org/fhir-hook', strict)).toEqual([]);
    expect(addressAllowed('93.184.216.34', strict)).toBe(true);
  });

  it('refuses http, credentials in the URL, and private, loopback, link-local addresses', () => {
    expect(endpointProblems('http://portal.example.org/hook', strict)[0]).toMatch(/https/);
    expect(endpointProblems('https://u:p@portal.example.org/hook', strict)[0]).toMatch(/credentials/);
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '169.254.169.254',
      '[::1]',
      '[fe80::1]',
      'localhost',
    ])
      expect(endpointProblems(`https://${host}/hook`, strict)).not.toEqual([]);
    expect(addressAllowed('::ffff:127.0.0.1', strict)).toBe(false);
    expect(addressAllowed('172.16.5.4', strict)).toBe(false);
    expect(endpointProblems('not a url', strict)).toEqual(['channel.endpoint must be an absolute URL']);
  });

  it('a deployment may allow http and loopback (the local platform)', () => {
    expect(endpointProblems('http://127.0.0.1:9999/hook', local)).toEqual([]);
    expect(addressAllowed('127.0.0.1', local)).toBe(true);
    expect(addressAllowed('10.1.2.3', local)).toBe(false);
    expect(endpointProblems('http://localhost:9999/hook', local)).toEqual([]);
    expect(endpointProblems('ftp://127.0.0.1/hook', local)[0]).toMatch(/https or http/);
  });
});
