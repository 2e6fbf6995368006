import ipaddr from 'ipaddr.js';

/**
 * SSRF guard of rest-hook endpoints, the same rule as the notifications service's webhooks:
 * https only, and no private, loopback, link-local or otherwise non-public address, unless the
 * deployment allows it (the local platform allows http and loopback so a developer can point a
 * subscription at their own machine). Checked on the URL when a Subscription is created and on
 * every address the host resolves to before each POST (a name may resolve differently later).
 * Pure code.
 */

export interface EndpointPolicy {
  allowHttp: boolean;
  /** ipaddr.js range names allowed besides public 'unicast' (e.g. 'loopback'); empty in production. */
  allowedRanges: ReadonlySet<string>;
}

/** 'loopback, private' -> the set of range names (the format of WEBHOOK_ALLOW_PRIVATE_TARGETS too). */
export function parseAllowedRanges(text: string): Set<string> {
  return new Set(
    text
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r.length > 0),
  );
}

/**
 * Whether an IP address may be reached under the policy (not an IP: false). IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry.
 */
export function addressAllowed(address: string, policy: EndpointPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = ipaddr.process(address).range();
  return range === 'unicast' || policy.allowedRanges.has(range);
}

/** Problems of an endpoint URL (empty: acceptable as far as the URL shows). */
export function endpointProblems(endpoint: string, policy: EndpointPolicy): string[] {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return ['channel.endpoint must be an absolute URL'];
  }
  const problems: string[] = [];
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:'))
    problems.push(
      `channel.endpoint must use https${policy.allowHttp ? ' or http' : ''}, not ${url.protocol.replace(':', '')}`,
    );
  if (url.username !== '' || url.password !== '')
    problems.push('channel.endpoint must not carry credentials; send them in channel.header');
  if (url.hash !== '') problems.push('channel.endpoint must not have a fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    if (!addressAllowed(host, policy))
      problems.push(`channel.endpoint ${host} is a private, loopback or link-local address`);
  } else if (!policy.allowedRanges.has('loopback') && (host === 'localhost' || host.endsWith('.localhost')))
    problems.push('channel.endpoint localhost is a loopback address');
  return problems;
}
