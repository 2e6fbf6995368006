import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { FieldProblem } from '@sp/errors';
import { addressProblems, parseTargetUrl, refusalOf, urlProblems, type TargetPolicy } from './target-policy';

/** Resolves a host name to every address it has (the system resolver by default). */
export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A connection refused by the SSRF guard at connect time (its message names the address and range). */
export class TargetRefusedError extends Error {
  readonly code = 'OUTBOUND_TARGET_REFUSED';
}

/**
 * The SSRF guard around partner-supplied targets: `check` when a target is registered or changed
 * (and before each call), and `lookup` as the connection's DNS lookup, so the addresses checked
 * are the ones connected to (a host that resolves to a public address at check time and to a
 * private one at connect time, DNS rebinding, is refused at connect time).
 */
export class TargetGuard {
  constructor(
    readonly policy: TargetPolicy,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** Every problem with a target URL: its form, then every address its host resolves to. */
  async check(urlText: string, field = 'url'): Promise<FieldProblem[]> {
    const inUrl = urlProblems(urlText, this.policy, field);
    if (inUrl.length > 0) return inUrl;
    const parsed = parseTargetUrl(urlText, this.policy, field);
    if (!parsed.ok) return parsed.problems;
    if (isIP(parsed.host)) return [];
    let addresses: string[];
    try {
      addresses = await this.resolve(parsed.host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      return [
        { field, code: 'unresolvable', message: `${field}: ${parsed.host} does not resolve (${code})` },
      ];
    }
    return addressProblems(parsed.host, addresses, this.policy, field);
  }

  /**
   * A DNS lookup for http(s).request / net.connect that resolves with the guard's resolver and
   * refuses the host when any address it resolved to is not allowed.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const done = callback as (
      err: NodeJS.ErrnoException | null,
      a?: string | LookupAddress[],
      f?: number,
    ) => void;
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    this.resolve(hostname).then(
      (resolved) => {
        const refusals = resolved.flatMap((a) => refusalOf(a, this.policy) ?? []);
        const addresses = resolved
          .map((address) => ({ address, family: isIP(address) }))
          .filter((a) => a.family !== 0 && (family === 0 || a.family === family));
        if (refusals.length > 0 || addresses.length === 0) {
          return done(
            new TargetRefusedError(`refused target ${hostname}: ${refusals.join('; ') || 'no address'}`),
          );
        }
        if (options.all) return done(null, addresses);
        return done(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => done(error),
    );
  };
}
