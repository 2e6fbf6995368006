import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { FieldProblem } from '@sp/errors';
import { addressProblems, parseTargetUrl, refusalOf, type TargetPolicy } from './domain/target-policy';

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) =>
  (await dnsLookupAsync(host, { all: true, verbatim: true })).map((a) => a.address);

/** A connection refused by the SSRF guard (its message names the address and range). */
export class TargetRefusedError extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
}

/**
 * The SSRF guard around webhook targets: `check` when an endpoint is registered or changed (and
 * before each attempt), and `lookup` as the connection's DNS lookup, so the addresses checked are
 * the ones connected to (a host that resolves to a public address at check time and to a private
 * one at connect time, DNS rebinding, is refused at connect time).
 */
export class TargetGuard {
  constructor(
    readonly policy: TargetPolicy,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** Every problem with a target URL: its form, then every address its host resolves to. */
  async check(urlText: string, field = 'url'): Promise<FieldProblem[]> {
    const parsed = parseTargetUrl(urlText, this.policy, field);
    if (!parsed.ok) return parsed.problems;
    if (isIP(parsed.host)) return addressProblems(parsed.host, [parsed.host], this.policy, field);
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

  /** A DNS lookup for http(s).request that refuses any address the policy does not allow. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      const done = callback as (
        err: NodeJS.ErrnoException | null,
        a?: string | LookupAddress[],
        f?: number,
      ) => void;
      if (error) return done(error);
      const refusals = addresses.flatMap((a) => refusalOf(a.address, this.policy) ?? []);
      if (refusals.length > 0 || addresses.length === 0) {
        return done(
          new TargetRefusedError(`refused target ${hostname}: ${refusals.join('; ') || 'no address'}`),
        );
      }
      if ((options as { all?: boolean }).all) return done(null, addresses);
      return done(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
