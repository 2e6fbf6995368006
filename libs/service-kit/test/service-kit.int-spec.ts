import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  Param,
  Post,
  type INestApplication,
  type OnModuleInit,
} from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import request from 'supertest';
import { CommonConfigSchema } from '@sp/config';
import { Type } from '@sinclair/typebox';
import {
  ContractRegistry,
  createEnvelope,
  defineEvent,
  toKafkaRecord,
  type TopicDefinition,
} from '@sp/contracts';
import { DomainError, ValidationError } from '@sp/errors';
import { EventPublisher } from '@sp/messaging';
import { CurrentPrincipal, Public, Roles, TokenIssuer, type Principal } from '@sp/identity';
import { traceContext } from '@sp/observability';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import {
  createServiceApp,
  HealthRegistry,
  MetricsGaugeRegistry,
  ServiceKitModule,
  type ServiceApp,
} from '../src';

const ISSUER = 'http://issuer.service-kit.test';
const AUDIENCE = 'social-prescribing';
const PROBLEM_JSON = /^application\/problem\+json/;

/** A dependency whose health the test flips. */
@Injectable()
class DemoDependency implements OnModuleInit {
  up = false;
  backlog = 0;
  constructor(
    private readonly health: HealthRegistry,
    private readonly gauges: MetricsGaugeRegistry,
  ) {}
  onModuleInit(): void {
    this.health.register('demo-dependency', async () =>
      this.up ? { ok: true } : { ok: false, detail: 'demo dependency is down' },
    );
    this.gauges.register({
      name: 'sktest_demo_backlog',
      help: 'demo backlog',
      collect: async () => this.backlog,
    });
  }
}

@Controller('demo')
class DemoController {
  @Public()
  @Post('echo')
  echo(@Body() body: unknown): { body: unknown; correlationId: string | undefined } {
    return { body, correlationId: traceContext.current()?.correlationId };
  }

  @Get('items/:id')
  item(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): { id: string; organisationId: string } {
    return { id, organisationId: principal.organisationId };
  }

  @Roles('ops')
  @Get('ops-only')
  opsOnly(): { ok: true } {
    return { ok: true };
  }

  @Public()
  @Get('invalid')
  invalid(): never {
    throw new ValidationError([{ field: 'needs', code: 'minItems', message: 'must have at least 1 item' }]);
  }

  @Public()
  @Get('crash')
  crash(): never {
    throw new Error('connect ECONNREFUSED mongodb://admin:hunter2@db');
  }
}

function jwksServer(keys: { keys: unknown[] }): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(keys));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    }),
  );
}

function env(jwksUrl: string, logLevel = 'silent'): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    JWKS_URL: jwksUrl,
    TOKEN_ISSUER: ISSUER,
    TOKEN_AUDIENCE: AUDIENCE,
    LOG_LEVEL: logLevel,
  };
}

/** Collects the service's JSON log lines. */
function logCapture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('service-kit over HTTP', () => {
  let jwks: { server: Server; url: string };
  let issuer: TokenIssuer;
  let started: ServiceApp;
  let app: INestApplication;
  let dependency: DemoDependency;
  const logs = logCapture();

  const token = async (role: Principal['role']) =>
    `Bearer ${(await issuer.issue({ clientId: `client-${role}`, organisationId: 'org-1', role, scopes: [role] })).access_token}`;

  beforeAll(async () => {
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    issuer = new TokenIssuer({ privateJwk, issuer: ISSUER, audience: AUDIENCE });
    jwks = await jwksServer(issuer.jwks());

    @Module({
      imports: [
        ServiceKitModule.forRoot({
          name: 'analytics',
          configSchema: CommonConfigSchema,
          env: env(jwks.url, 'info'),
          logDestination: logs.stream,
        }),
      ],
      controllers: [DemoController],
      providers: [DemoDependency],
    })
    class DemoModule {}

    started = await createServiceApp({ name: 'analytics', module: DemoModule });
    app = started.app;
    dependency = app.get(DemoDependency);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.server.close(resolve));
  });

  it('GET /health/live answers 200', async () => {
    const res = await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'live' });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('GET /health/ready is 503 naming the failing check, then 200 once it passes', async () => {
    dependency.up = false;
    const down = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(down.body).toEqual({
      status: 'not-ready',
      checks: { 'demo-dependency': { ok: false, detail: 'demo dependency is down' } },
    });
    dependency.up = true;
    const up = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(up.body).toEqual({ status: 'ready', checks: { 'demo-dependency': { ok: true } } });
  });

  it('GET /metrics serves Prometheus text with http_requests_total by route template', async () => {
    await request(app.getHttpServer())
      .get('/demo/items/42')
      .set('Authorization', await token('referrer'))
      .expect(200, { id: '42', organisationId: 'org-1' });
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;/);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    expect(res.text).toMatch(
      /^http_requests_total\{method="GET",route="\/demo\/items\/:id",status="200"\} [1-9]/m,
    );
    expect(res.text).toContain('http_request_duration_seconds_bucket{');
    expect(res.text).not.toContain('/demo/items/42');
  });

  it('GET /metrics reads registered async gauges at scrape time', async () => {
    dependency.backlog = 17;
    expect((await request(app.getHttpServer()).get('/metrics').expect(200)).text).toMatch(
      /^sktest_demo_backlog 17$/m,
    );
    dependency.backlog = 3;
    expect((await request(app.getHttpServer()).get('/metrics').expect(200)).text).toMatch(
      /^sktest_demo_backlog 3$/m,
    );
  });

  it('GET /docs-json is an OpenAPI 3 document with bearer auth and the ops endpoints', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/health/ready',
        '/ops/dead-letters',
        '/ops/dead-letters/{topic}/{partition}/{offset}/replay',
      ]),
    );
  });

  it('echoes a valid x-correlation-id, replaces an invalid one, continues the caller trace, and runs the handler in that context', async () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await request(app.getHttpServer())
      .post('/demo/echo')
      .set('x-correlation-id', 'abc-123.X_y')
      .set('traceparent', parent)
      .send({ hello: 'world' })
      .expect(201);
    expect(res.headers['x-correlation-id']).toBe('abc-123.X_y');
    expect(res.body).toEqual({ body: { hello: 'world' }, correlationId: 'abc-123.X_y' });
    expect(res.headers['traceparent']).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);

    const replaced = await request(app.getHttpServer())
      .post('/demo/echo')
      .set('x-correlation-id', 'not valid!')
      .send({})
      .expect(201);
    expect(replaced.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.body.correlationId).toBe(replaced.headers['x-correlation-id']);
  });

  it('writes one JSON access-log line per request with method, path, route, status, duration and correlation id', async () => {
    await request(app.getHttpServer())
      .get('/demo/items/7?nhsNumber=9434765919')
      .set('x-correlation-id', 'corr-log')
      .set('Authorization', await token('referrer'))
      .expect(200);
    const line = await waitFor(
      () => logs.lines().find((l) => l['msg'] === 'request completed' && l['correlationId'] === 'corr-log'),
      {
        timeoutMs: 2_000,
        intervalMs: 10,
        description: 'access log line',
      },
    );
    expect(line).toMatchObject({
      service: 'analytics',
      level: 'info',
      method: 'GET',
      path: '/demo/items/7',
      route: '/demo/items/:id',
      status: 200,
    });
    expect(line['durationMs']).toEqual(expect.any(Number));
    expect(JSON.stringify(logs.lines())).not.toContain('9434765919');
  });

  it('answers an unknown route with 404 problem+json carrying the correlation id', async () => {
    const res = await request(app.getHttpServer())
      .get('/nope?nhsNumber=9434765919')
      .set('x-correlation-id', 'corr-404')
      .expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({
      type: 'https://social-prescribing.example/problems/request-not_found',
      title: 'Not Found',
      status: 404,
      code: 'REQUEST.NOT_FOUND',
      correlationId: 'corr-404',
      instance: '/nope',
    });
  });

  it('answers malformed JSON with 400 REQUEST.MALFORMED_JSON', async () => {
    const res = await request(app.getHttpServer())
      .post('/demo/echo')
      .set('Content-Type', 'application/json')
      .set('x-correlation-id', 'corr-400')
      .send('{"hello": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'REQUEST.MALFORMED_JSON',
      correlationId: 'corr-400',
      instance: '/demo/echo',
    });
  });

  it('answers a body over the 1 MB default limit with 413', async () => {
    const res = await request(app.getHttpServer())
      .post('/demo/echo')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ status: 413, code: 'REQUEST.TOO_LARGE' });
  });

  it('answers a missing or bad token with 401 problem+json and WWW-Authenticate', async () => {
    const missing = await request(app.getHttpServer()).get('/demo/items/1').expect(401);
    expect(missing.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.body).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });

    const bad = await request(app.getHttpServer())
      .get('/demo/items/1')
      .set('Authorization', 'Bearer abc.def.ghi')
      .expect(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('answers the wrong role with 403 problem+json', async () => {
    const res = await request(app.getHttpServer())
      .get('/demo/ops-only')
      .set('Authorization', await token('referrer'))
      .expect(403);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
    await request(app.getHttpServer())
      .get('/demo/ops-only')
      .set('Authorization', await token('ops'))
      .expect(200);
  });

  it('renders validation errors with their field problems, and hides unexpected errors', async () => {
    const invalid = await request(app.getHttpServer()).get('/demo/invalid').expect(400);
    expect(invalid.body).toMatchObject({
      code: 'VALIDATION.FAILED',
      errors: [{ field: 'needs', code: 'minItems' }],
    });

    const crash = await request(app.getHttpServer()).get('/demo/crash').expect(500);
    expect(crash.body).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(crash.text).not.toMatch(/ECONNREFUSED|hunter2/);
  });

  it('serves the ops dead-letter API to ops only, validating its inputs', async () => {
    const topic = `${uniqueName('sk-test')}.dlq`;
    await request(app.getHttpServer())
      .get('/ops/dead-letters')
      .set('Authorization', await token('provider'))
      .expect(403);
    const list = await request(app.getHttpServer())
      .get(`/ops/dead-letters?topic=${topic}&limit=5`)
      .set('Authorization', await token('ops'))
      .expect(200);
    expect(list.body).toEqual({ items: [] });
    const bad = await request(app.getHttpServer())
      .get('/ops/dead-letters?limit=0')
      .set('Authorization', await token('ops'))
      .expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    const missing = await request(app.getHttpServer())
      .get(`/ops/dead-letters/${topic}/0/0`)
      .set('Authorization', await token('ops'))
      .expect(404);
    expect(missing.body).toMatchObject({ code: 'DEAD_LETTER.NOT_FOUND' });
  });
});

describe('service-kit boot failures', () => {
  it('rejects with a ConfigError naming every bad variable', async () => {
    @Module({
      imports: [
        ServiceKitModule.forRoot({
          name: 'analytics',
          configSchema: CommonConfigSchema,
          env: { KAFKA_BROKERS: 'not a broker list', SHUTDOWN_TIMEOUT_MS: 'soon' },
        }),
      ],
    })
    class BadConfigModule {}
    await expect(createServiceApp({ name: 'analytics', module: BadConfigModule })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(/KAFKA_BROKERS[\s\S]*SHUTDOWN_TIMEOUT_MS/),
    });
  });
});

const REJECTED_TYPE = 'org.socialprescribing.sktest.rejected.v1';

@Controller()
class RejectingConsumer {
  received: string[] = [];

  @EventPattern(REJECTED_TYPE)
  handle(data: { id: string }): void {
    this.received.push(data.id);
    throw new DomainError('SKTEST.REJECTED', `event ${data.id} is rejected on purpose`);
  }
}

describe('service-kit with a Kafka consumer', () => {
  it('consumes with the app, dead-letters a rejected event with its code, and lists, inspects and replays it over the ops API', async () => {
    const topic: TopicDefinition = {
      name: uniqueName('sk-test-topic'),
      partitions: 1,
      description: 'service-kit test',
      key: 'id',
    };
    const contract = defineEvent({
      name: 'sktest.rejected',
      version: 1,
      type: REJECTED_TYPE,
      topic,
      schema: Type.Object({ id: Type.String() }, { additionalProperties: false }),
      partitionKey: (d: { id: string }) => d.id,
      subject: (d: { id: string }) => `sktest/${d.id}`,
      producer: 'analytics',
      summary: 'test event',
    });
    const registry = new ContractRegistry([contract]);
    const issuer = new TokenIssuer({
      privateJwk: (await TokenIssuer.generateKeyPair()).privateJwk,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const jwks = await jwksServer(issuer.jwks());
    const ops = `Bearer ${(await issuer.issue({ clientId: 'ops-1', organisationId: 'org-ops', role: 'ops', scopes: ['ops'] })).access_token}`;

    @Module({
      imports: [
        ServiceKitModule.forRoot({ name: 'analytics', configSchema: CommonConfigSchema, env: env(jwks.url) }),
      ],
      controllers: [RejectingConsumer],
    })
    class ConsumerModule {}

    const { app, transport } = await createServiceApp({
      name: 'analytics',
      module: ConsumerModule,
      consumer: { groupId: uniqueName('sk-test-group'), topics: [topic], registry },
    });
    const publisher = new EventPublisher({
      brokers: testInfra.kafkaBrokers,
      clientId: uniqueName('sk-test-producer'),
    });
    try {
      const notYet = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(notYet.body.checks['kafka-consumer']).toMatchObject({ ok: false });

      await app.startAllMicroservices();
      const ready = await waitFor(
        async () => {
          const res = await request(app.getHttpServer()).get('/health/ready');
          return res.status === 200 ? (res.body as unknown) : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, description: 'consumer ready' },
      );
      expect(ready).toEqual({ status: 'ready', checks: { 'kafka-consumer': { ok: true } } });
      expect(transport?.subscribedTopics()).toEqual([topic.name]);

      await publisher.connect();
      const envelope = createEnvelope(
        contract,
        { id: 'e-1' },
        { source: 'service-kit-test', correlationId: 'corr-dlq' },
      );
      await publisher.publish([{ topic: topic.name, ...toKafkaRecord(envelope) }]);

      const dlq = `${topic.name}.dlq`;
      const listed = await waitFor(
        async () => {
          const res = await request(app.getHttpServer())
            .get(`/ops/dead-letters?topic=${dlq}`)
            .set('Authorization', ops);
          return res.status === 200 && res.body.items.length > 0
            ? (res.body.items as Array<Record<string, unknown>>)
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'dead letter listed' },
      );
      expect(listed[0]).toMatchObject({
        dlqTopic: dlq,
        partition: 0,
        originalTopic: topic.name,
        errorCode: 'SKTEST.REJECTED',
        eventId: envelope.id,
      });

      const offset = String(listed[0]?.['offset']);
      const inspected = await request(app.getHttpServer())
        .get(`/ops/dead-letters/${dlq}/0/${offset}`)
        .set('Authorization', ops)
        .expect(200);
      expect(inspected.body).toMatchObject({ payload: { id: 'e-1' }, errorCode: 'SKTEST.REJECTED' });

      const replayed = await request(app.getHttpServer())
        .post(`/ops/dead-letters/${dlq}/0/${offset}/replay`)
        .set('Authorization', ops)
        .expect(200);
      expect(replayed.body).toEqual({ republishedTo: topic.name });
      const consumer = app.get(RejectingConsumer);
      await waitFor(() => consumer.received.length >= 2 || undefined, {
        timeoutMs: 60_000,
        intervalMs: 100,
        description: 'replayed event handled again',
      });
      expect(consumer.received).toEqual(['e-1', 'e-1']);

      await transport?.close();
      expect(transport?.isReady()).toBe(false);
    } finally {
      await publisher.disconnect();
      await app.close();
      await new Promise((resolve) => jwks.server.close(resolve));
    }
  }, 120_000);
});
