// Argument parsing of `npm run oidc:token` (pure, unit-tested).

export const USAGE = `usage: npm run -s oidc:token -- <username> [password] [options]

Signs a person in at the local OpenID Connect provider (authorization code + PKCE, the portal's
flow) and prints their access token for the platform's API. The password defaults to the demo
password (infra/local/oidc/demo-people.json); demo people are listed in docs/identity.md.

options:
  --issuer <url>      the provider (default http://127.0.0.1:$SP_OIDC_PORT, port 8096)
  --resource <uri>    resource indicator (default: the platform's API, aud social-prescribing)
  --json              print {accessToken, idToken, sub, expiresIn} instead of the bare token
  -h, --help          this text

example:
  TOKEN=$(npm run -s oidc:token -- cara.lead)
  curl -H "authorization: Bearer $TOKEN" http://127.0.0.1:3001/v1/referrals`;

export class UsageError extends Error {}

export interface OidcTokenCli {
  username: string;
  password?: string;
  issuer?: string;
  resource?: string;
  json: boolean;
}

export function parseCli(argv: readonly string[]): OidcTokenCli | 'help' {
  const positional: string[] = [];
  const cli: Omit<OidcTokenCli, 'username'> = { json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i += 1;
      return v;
    };
    if (arg === '-h' || arg === '--help') return 'help';
    else if (arg === '--json') cli.json = true;
    else if (arg === '--issuer') cli.issuer = value();
    else if (arg === '--resource') cli.resource = value();
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [username, password, ...rest] = positional;
  if (username === undefined) throw new UsageError('missing <username>');
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  return { ...cli, username, ...(password === undefined ? {} : { password }) };
}
