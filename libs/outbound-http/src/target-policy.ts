import ipaddr from 'ipaddr.js';
import type { FieldProblem } from '@sp/errors';

/**
 * Where an outbound call to a partner-supplied URL may go (SSRF guard). Only public unicast
 * addresses, unless configuration allows a named range (the local platform allows 'loopback' so a
 * developer can point a webhook or a rest-hook at their own machine). Every address a host
 * resolves to must pass: a host with one private address among public ones is refused, so DNS
 * cannot steer a call inside the network. IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the
 * IPv4 address it carries. Pure code.
 *
 * Problem codes (features map them to their own at their edge): invalid_url, invalid_scheme,
 * https_required, credentials_in_url, fragment_in_url, private_target, unresolvable.
 */
export interface TargetPolicy {
  /** ipaddr.js range names allowed besides 'unicast' (e.g. 'loopback', 'private'); empty in production. */
  allowedRanges: ReadonlySet<string>;
  allowHttp: boolean;
}

/** 'loopback, private' -> the set of range names. */
export function parseAllowedRanges(text: string): Set<string> {
  return new Set(
    text
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r.length > 0),
  );
}

/** The ipaddr.js range of an address ('invalid' when it is not an address). */
export function rangeOf(address: string): string {
  if (!ipaddr.isValid(address)) return 'invalid';
  return ipaddr.process(address).range();
}

/** Why an address is refused, or undefined when it may be targeted. */
export function refusalOf(address: string, policy: TargetPolicy): string | undefined {
  const range = rangeOf(address);
  if (range === 'unicast' || policy.allowedRanges.has(range)) return undefined;
  return `${address} is a ${range} address`;
}

/** Whether an IP address may be targeted under the policy (not an IP: false). */
export function addressAllowed(address: string, policy: TargetPolicy): boolean {
  return refusalOf(address, policy) === undefined;
}

/** A URL a call may go to, before its host is resolved. */
export type ParsedTarget = { ok: true; url: URL; host: string } | { ok: false; problems: FieldProblem[] };

/**
 * Checks the URL itself: absolute http(s), https unless allowed, no credentials, no fragment, and
 * a localhost name only when loopback is allowed. `host` is the hostname without IPv6 brackets
 * (what DNS resolves).
 */
export function parseTargetUrl(text: string, policy: TargetPolicy, field = 'url'): ParsedTarget {
  const { url, host, problems } = inspectUrl(text, policy, field);
  if (!url || problems.length > 0) return { ok: false, problems };
  return { ok: true, url, host };
}

function inspectUrl(
  text: string,
  policy: TargetPolicy,
  field: string,
): { url?: URL; host: string; problems: FieldProblem[] } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      host: '',
      problems: [
        {
          field,
          code: 'invalid_url',
          message: `${field} must be an absolute URL, e.g. https://partner.example/hook`,
        },
      ],
    };
  }
  const problems: FieldProblem[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({
      field,
      code: 'invalid_scheme',
      message: `${field} must use https${policy.allowHttp ? ' or http' : ''}, not ${url.protocol.replace(':', '')}`,
    });
  } else if (url.protocol === 'http:' && !policy.allowHttp) {
    problems.push({
      field,
      code: 'https_required',
      message: `${field} must use https (http is not allowed)`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    problems.push({ field, code: 'credentials_in_url', message: `${field} must not carry credentials` });
  }
  if (url.hash !== '') {
    problems.push({ field, code: 'fragment_in_url', message: `${field} must not have a #fragment` });
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') problems.push({ field, code: 'invalid_url', message: `${field} has no host` });
  else if (isLocalhostName(host) && !policy.allowedRanges.has('loopback')) {
    problems.push({
      field,
      code: 'private_target',
      message: `${field}: ${host} is a loopback name; only public hosts may be targeted`,
    });
  }
  return { url, host, problems };
}

/** Problems with the addresses a host resolved to (empty when every one may be targeted). */
export function addressProblems(
  host: string,
  addresses: readonly string[],
  policy: TargetPolicy,
  field = 'url',
): FieldProblem[] {
  if (addresses.length === 0) {
    return [{ field, code: 'unresolvable', message: `${field}: ${host} does not resolve to any address` }];
  }
  const refusals = addresses.flatMap((a) => refusalOf(a, policy) ?? []);
  if (refusals.length === 0) return [];
  return [
    {
      field,
      code: 'private_target',
      message: `${field}: ${host} is not a public address (${refusals.join('; ')}); only public hosts may be targeted`,
    },
  ];
}

/**
 * Everything the URL alone shows, without DNS, every problem at once: its form, and its host when
 * that is an IP literal or a localhost name. The check for code that cannot wait on DNS;
 * `TargetGuard.check` adds the addresses a name resolves to.
 */
export function urlProblems(text: string, policy: TargetPolicy, field = 'url'): FieldProblem[] {
  const { host, problems } = inspectUrl(text, policy, field);
  if (host === '' || !ipaddr.isValid(host)) return problems;
  return [...problems, ...addressProblems(host, [host], policy, field)];
}

function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
