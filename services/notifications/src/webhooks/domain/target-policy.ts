import ipaddr from 'ipaddr.js';
import type { FieldProblem } from '@sp/errors';

/**
 * Where a webhook may be sent (SSRF guard). Only public unicast addresses, unless configuration
 * allows a named range (the local platform allows 'loopback' so a developer can point a webhook at
 * their own machine). Every address a host resolves to must pass: a host with one private address
 * among public ones is refused, so DNS cannot steer a delivery inside the network.
 */
export interface TargetPolicy {
  /** ipaddr.js range names allowed besides 'unicast' (e.g. 'loopback', 'private'). */
  allowedRanges: ReadonlySet<string>;
  allowHttp: boolean;
}

export function parseAllowedRanges(text: string): Set<string> {
  return new Set(
    text
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r.length > 0),
  );
}

/**
 * The ipaddr.js range of an address, IPv4-mapped IPv6 (::ffff:10.0.0.1) classified as the IPv4
 * address it carries; 'invalid' when it is not an address.
 */
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

/** A URL a webhook may be registered with, before its host is resolved. */
export type ParsedTarget = { ok: true; url: URL; host: string } | { ok: false; problems: FieldProblem[] };

/**
 * Checks the URL itself: absolute http(s), https unless allowed, no credentials, no fragment.
 * `host` is the hostname without IPv6 brackets (what DNS resolves).
 */
export function parseTargetUrl(text: string, policy: TargetPolicy, field = 'url'): ParsedTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(
      field,
      'invalid_url',
      `${field} must be an absolute URL, e.g. https://partner.example/webhooks`,
    );
  }
  const problems: FieldProblem[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({ field, code: 'invalid_scheme', message: `${field} must use https` });
  } else if (url.protocol === 'http:' && !policy.allowHttp) {
    problems.push({
      field,
      code: 'https_required',
      message: `${field} must use https (http is not allowed)`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    problems.push({
      field,
      code: 'credentials_in_url',
      message: `${field} must not carry credentials: the signature authenticates deliveries`,
    });
  }
  if (url.hash !== '') {
    problems.push({ field, code: 'fragment_in_url', message: `${field} must not have a #fragment` });
  }
  if (url.hostname === '') problems.push({ field, code: 'invalid_url', message: `${field} has no host` });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, url, host: url.hostname.replace(/^\[(.*)\]$/, '$1') };
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
  const refusals = addresses.flatMap((a) => {
    const refusal = refusalOf(a, policy);
    return refusal ? [refusal] : [];
  });
  if (refusals.length === 0) return [];
  return [
    {
      field,
      code: 'private_target',
      message: `${field}: ${host} is not a public address (${refusals.join('; ')}); webhooks may only target public hosts`,
    },
  ];
}

function fail(field: string, code: string, message: string): ParsedTarget {
  return { ok: false, problems: [{ field, code, message }] };
}
