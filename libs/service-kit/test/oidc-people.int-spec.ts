import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CommonConfigSchema } from '@sp/config';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { createOidcPerson, localOidcIssuersEnv, oidcSignIn, testInfra } from '@sp/testing';
import { ServiceKitModule, createServiceApp } from '../src';

// Every service gets OIDC people through ServiceKitModule: OIDC_ISSUERS names the identity
// providers, a person's access token reaches the controller as a principal with the person, and a
// bad OIDC_ISSUERS stops the boot naming the problem.

@Controller()
class WhoAmIController {
  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Roles('link-worker')
  @Get('link-workers-only')
  linkWorkersOnly(): { ok: true } {
    return { ok: true };
  }
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json', // our own tokens are not used here
    TOKEN_ISSUER: 'http://issuer.oidc-people.test',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

describe('service-kit with OIDC people (OIDC_ISSUERS)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        ServiceKitModule.forRoot({
          name: 'analytics',
          configSchema: CommonConfigSchema,
          env: env({ OIDC_ISSUERS: localOidcIssuersEnv() }),
          deadLetterEndpoints: false,
        }),
      ],
      controllers: [WhoAmIController],
    })
    class PeopleModule {}
    ({ app } = await createServiceApp({ name: 'analytics', module: PeopleModule }));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('lets a signed-in person call the API as themselves, in their organisation and role', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-kit-test',
      role: 'link-worker',
      teamRole: 'worker',
      name: 'Kit Worker',
    });
    const { accessToken } = await oidcSignIn(person.username, person.password);
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
    expect(res.body).toEqual({
      clientId: 'sp-portal',
      organisationId: 'org-kit-test',
      role: 'link-worker',
      scopes: ['openid', 'profile'],
      person: { sub: person.sub, issuer: testInfra.oidcIssuerUrl, name: 'Kit Worker', teamRole: 'worker' },
    });
    await request(app.getHttpServer())
      .get('/link-workers-only')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
  });

  it('applies role rules to people as to clients (403), and refuses a token that is not an access token (401)', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-vcs',
      role: 'provider',
      teamRole: 'team-lead',
    });
    const { accessToken, idToken } = await oidcSignIn(person.username, person.password);
    const forbidden = await request(app.getHttpServer())
      .get('/link-workers-only')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(403);
    expect(forbidden.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    const refused = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${idToken}`)
      .expect(401);
    expect(refused.body).toMatchObject({
      code: 'AUTH.UNAUTHENTICATED',
      detail: 'Token is not an access token',
    });
  });

  it('does not boot with a bad OIDC_ISSUERS, naming each problem', async () => {
    @Module({
      imports: [
        ServiceKitModule.forRoot({
          name: 'analytics',
          configSchema: CommonConfigSchema,
          env: env({ OIDC_ISSUERS: JSON.stringify([{ issuer: 'http://idp.test', audiance: 'x' }]) }),
          deadLetterEndpoints: false,
        }),
      ],
    })
    class BadIssuersModule {}
    await expect(createServiceApp({ name: 'analytics', module: BadIssuersModule })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(
        /OIDC_ISSUERS\[0\]\.jwksUrl: is required[\s\S]*OIDC_ISSUERS\[0\]\.audience: is required[\s\S]*OIDC_ISSUERS\[0\]\.audiance: is not a known setting/,
      ),
    });
  });
});
