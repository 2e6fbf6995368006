// `npm run -s oidc:token -- <username> [password]`: a person's access token from the local
// OpenID Connect provider, through the same sign-in a portal does (code flow + PKCE). Local
// development only: see docs/identity.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OidcSignInError, oidcSignIn } from '@sp/testing';
import { parseCli, USAGE, UsageError, type OidcTokenCli } from './cli';

const DEMO_PEOPLE = join(__dirname, '../../../infra/local/oidc/demo-people.json');

function demoPassword(): string {
  return (JSON.parse(readFileSync(DEMO_PEOPLE, 'utf8')) as { password: string }).password;
}

async function run(cli: OidcTokenCli): Promise<void> {
  const signIn = await oidcSignIn(cli.username, cli.password ?? demoPassword(), {
    ...(cli.issuer === undefined ? {} : { issuer: cli.issuer }),
    ...(cli.resource === undefined ? {} : { resource: cli.resource }),
  });
  process.stdout.write(cli.json ? `${JSON.stringify(signIn, null, 2)}\n` : `${signIn.accessToken}\n`);
}

async function main(argv: string[]): Promise<number> {
  let cli: OidcTokenCli | 'help';
  try {
    cli = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`oidc:token: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await run(cli);
    return 0;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const hint =
      error instanceof OidcSignInError
        ? ''
        : ' (is the local provider running? bash infra/local/platform.sh status)';
    process.stderr.write(`oidc:token: ${why}${hint}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
