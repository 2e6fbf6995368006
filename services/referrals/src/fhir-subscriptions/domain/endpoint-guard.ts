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
  allowPrivateTargets: boolean;
}

/** ipaddr.js ranges that are public on the internet; every other range is refused. */
const PUBLIC_RANGES = new Set(['unicast']);

/** Whether an IP address may be reached under the policy (not an IP: false). */
export function addressAllowed(address: string, policy: EndpointPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  return policy.allowPrivateTargets || PUBLIC_RANGES.has(parsed.range());
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
  } else if (!policy.allowPrivateTargets && (host === 'localhost' || host.endsWith('.localhost')))
    problems.push('channel.endpoint localhost is a loopback address');
  return problems;
}
