import 'reflect-metadata';
import {
  Catch,
  Controller,
  Get,
  Module,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { isDomainError } from '@sp/errors';
import type { Principal } from '../principal';
import { TokenIssuer } from '../token-issuer';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import { IdentityModule } from './identity.module';

interface Res {
  status(code: number): Res;
  json(body: unknown): void;
}

/** Stand-in for service-kit's problem filter: DomainError -> its status and code. */
@Catch()
class DomainErrorToStatusFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Res>();
    if (isDomainError(err)) res.status(err.status).json({ code: err.code, detail: err.message });
    else res.status(500).json({ code: 'INTERNAL' });
  }
}

@Controller()
class ProbeController {
  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Roles('ops')
  @Get('ops-only')
  opsOnly(): { ok: true } {
    return { ok: true };
  }

  @Roles('ops', 'commissioner')
  @Get('reports')
  reports(): { ok: true } {
    return { ok: true };
  }
}

describe('AuthGuard (global, via IdentityModule)', () => {
  const issuerUrl = 'http://issuer.test';
  const audience = 'social-prescribing';
  const referrer: Principal = {
    clientId: 'c-1',
    organisationId: 'org-1',
    role: 'referrer',
    scopes: ['referrer'],
  };
  let app: INestApplication;
  let tokenIssuer: TokenIssuer;

  beforeAll(async () => {
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    tokenIssuer = new TokenIssuer({ privateJwk, issuer: issuerUrl, audience });

    @Module({
      imports: [IdentityModule.forRoot({ jwks: tokenIssuer.jwks(), issuer: issuerUrl, audience })],
      controllers: [ProbeController],
    })
    class ProbeModule {}

    app = await NestFactory.create(ProbeModule, { logger: false });
    app.useGlobalFilters(new DomainErrorToStatusFilter());
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  const bearer = async (p: Principal) => `Bearer ${(await tokenIssuer.issue(p)).access_token}`;

  it('lets anyone reach @Public() routes', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });

  it('answers 401 AUTH.UNAUTHENTICATED with WWW-Authenticate when the token is missing', async () => {
    const res = await request(app.getHttpServer()).get('/me').expect(401);
    expect(res.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 for a malformed header or a bad token', async () => {
    await request(app.getHttpServer()).get('/me').set('Authorization', 'Basic abc').expect(401);
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', 'Bearer not.a.jwt')
      .expect(401);
    expect(res.body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED', detail: 'Access token is malformed' });
  });

  it('attaches the verified principal for @CurrentPrincipal()', async () => {
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', await bearer(referrer))
      .expect(200);
    expect(res.body).toEqual(referrer);
  });

  it('answers 403 AUTH.FORBIDDEN when the role does not match @Roles()', async () => {
    const res = await request(app.getHttpServer())
      .get('/ops-only')
      .set('Authorization', await bearer(referrer))
      .expect(403);
    expect(res.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await request(app.getHttpServer())
      .get('/ops-only')
      .set('Authorization', await bearer({ ...referrer, role: 'ops' }))
      .expect(200);
  });

  describe('a commissioner (a role that needs an explicit grant)', () => {
    const commissioner: Principal = {
      clientId: 'c-9',
      organisationId: 'org-icb',
      role: 'commissioner',
      scopes: ['area:icb:QHM'],
    };

    it('is refused (403) on routes without @Roles(), which every other role may call', async () => {
      const res = await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', await bearer(commissioner))
        .expect(403);
      expect(res.body).toMatchObject({
        code: 'AUTH.FORBIDDEN',
        detail: 'This operation is not open to the commissioner role',
      });
      await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', await bearer(referrer))
        .expect(200);
    });

    it('is refused on routes whose @Roles() does not name it', async () => {
      await request(app.getHttpServer())
        .get('/ops-only')
        .set('Authorization', await bearer(commissioner))
        .expect(403);
    });

    it('reaches routes whose @Roles() names it', async () => {
      await request(app.getHttpServer())
        .get('/reports')
        .set('Authorization', await bearer(commissioner))
        .expect(200, { ok: true });
      await request(app.getHttpServer())
        .get('/reports')
        .set('Authorization', await bearer(referrer))
        .expect(403);
    });
  });
});
