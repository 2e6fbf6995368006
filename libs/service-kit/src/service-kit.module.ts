import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { contractRegistry } from '@sp/contracts';
import { loadConfig, parseBrokers } from '@sp/config';
import { IdentityModule, parseOidcIssuers } from '@sp/identity';
import { DeadLetterAdmin } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import type { Logger } from 'pino';
import { DeadLettersController } from './dead-letters.controller';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry';
import { MetricsController } from './metrics.controller';
import { MetricsGaugeRegistry } from './metrics-gauge-registry';
import {
  SERVICE_CONFIG,
  SERVICE_KIT_OPTIONS,
  SERVICE_LOGGER,
  SERVICE_NAME,
  type ResolvedServiceKitOptions,
  type ServiceKitConfig,
  type ServiceKitOptions,
} from './service-kit.config';

function resolve(opts: ServiceKitOptions): ResolvedServiceKitOptions {
  return {
    name: opts.name,
    bodyLimit: opts.bodyLimit ?? '1mb',
    streamedBodyRoutes: opts.streamedBodyRoutes ?? [],
    deadLetterEndpoints: opts.deadLetterEndpoints ?? true,
    openApi: {
      title: opts.openApi?.title ?? `${opts.name} service`,
      description:
        opts.openApi?.description ??
        `HTTP API of the ${opts.name} service of the social prescribing platform.`,
      version: opts.openApi?.version ?? '0.1.0',
    },
  };
}

function configProvider(opts: ServiceKitOptions): Provider {
  if (opts.config !== undefined) return { provide: SERVICE_CONFIG, useValue: opts.config };
  const { configSchema, env } = opts;
  // Loaded while the app is created, so a ConfigError surfaces as a boot failure, not an import crash.
  return { provide: SERVICE_CONFIG, useFactory: () => loadConfig(configSchema, env) };
}

/**
 * Everything a service gets from the platform runtime: its config and logger as injectables,
 * authentication (IdentityModule from JWKS_URL / TOKEN_ISSUER / TOKEN_AUDIENCE, plus the people of the
 * identity providers in OIDC_ISSUERS), health and metrics
 * endpoints with registries for the service's own checks and gauges, and the ops dead-letter API.
 * Import it once, in the service's root module; bootstrapService does the HTTP wiring.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(opts: ServiceKitOptions): DynamicModule {
    const resolved = resolve(opts);
    const providers: Provider[] = [
      configProvider(opts),
      { provide: SERVICE_NAME, useValue: opts.name },
      { provide: SERVICE_KIT_OPTIONS, useValue: resolved },
      {
        provide: SERVICE_LOGGER,
        inject: [SERVICE_CONFIG],
        useFactory: (config: ServiceKitConfig) =>
          createLogger(
            opts.name,
            config.LOG_LEVEL,
            opts.logDestination ? { destination: opts.logDestination } : {},
          ),
      },
      HealthRegistry,
      MetricsGaugeRegistry,
    ];
    const controllers: DynamicModule['controllers'] = [HealthController, MetricsController];
    if (resolved.deadLetterEndpoints) {
      providers.push({
        provide: DeadLetterAdmin,
        inject: [SERVICE_CONFIG, SERVICE_LOGGER],
        useFactory: (config: ServiceKitConfig, logger: Logger) =>
          new DeadLetterAdmin(
            { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `${opts.name}-dlq-admin` },
            contractRegistry,
            {
              logger,
            },
          ),
      });
      controllers.push(DeadLettersController);
    }
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        IdentityModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceKitConfig) => ({
            jwksUrl: config.JWKS_URL,
            issuer: config.TOKEN_ISSUER,
            audience: config.TOKEN_AUDIENCE,
            // A bad value is a ConfigError here, while the app is created: a clean boot failure.
            oidcIssuers: parseOidcIssuers(config.OIDC_ISSUERS, { reservedIssuer: config.TOKEN_ISSUER }),
          }),
        }),
      ],
      providers,
      controllers,
      exports: [
        SERVICE_CONFIG,
        SERVICE_NAME,
        SERVICE_KIT_OPTIONS,
        SERVICE_LOGGER,
        HealthRegistry,
        MetricsGaugeRegistry,
      ],
    };
  }
}
