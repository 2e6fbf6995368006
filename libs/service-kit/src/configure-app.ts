import type { INestApplication } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoNestLogger } from '@sp/observability';
import type { Logger } from 'pino';
import { useBodyParsers } from './body-parsers';
import {
  correlationMiddleware,
  reenterTraceContext,
  reenterTraceContextOnError,
} from './correlation.middleware';
import { setupOpenApi } from './openapi';
import { ERROR_RENDERERS, ProblemDetailsFilter, type ErrorRenderer } from './problem-details.filter';
import { requestTelemetryMiddleware } from './request-telemetry.middleware';
import {
  SERVICE_CONFIG,
  SERVICE_KIT_OPTIONS,
  SERVICE_LOGGER,
  type ResolvedServiceKitOptions,
  type ServiceKitConfig,
} from './service-kit.config';

export interface ConfiguredApp {
  logger: Logger;
  config: ServiceKitConfig;
  options: ResolvedServiceKitOptions;
}

/**
 * The HTTP wiring every service shares, in the order it must run: correlation first (so even a
 * body-parser error carries the correlation id), then telemetry, then body parsing with limits,
 * then Nest's routes; errors end in the problem+json filter. Call before `app.init()`.
 */
/**
 * The service's ERROR_RENDERERS, if its root module provides any. Asked through ModuleRef, not
 * `app.get`: NestFactory wraps the app's methods in an exceptions zone that logs every error they
 * throw, so a service without renderers would log a spurious "could not find" error at boot.
 */
function errorRenderers(app: INestApplication): ErrorRenderer[] {
  try {
    return app.get(ModuleRef).get<ErrorRenderer[]>(ERROR_RENDERERS, { strict: false });
  } catch {
    return [];
  }
}

export function configureServiceApp(app: INestApplication): ConfiguredApp {
  let options: ResolvedServiceKitOptions;
  try {
    options = app.get<ResolvedServiceKitOptions>(SERVICE_KIT_OPTIONS);
  } catch {
    throw new Error('The root module must import ServiceKitModule.forRoot(...)');
  }
  const logger = app.get<Logger>(SERVICE_LOGGER);
  const config = app.get<ServiceKitConfig>(SERVICE_CONFIG);

  app.useLogger(new PinoNestLogger(logger));
  (app as NestExpressApplication).disable('x-powered-by');
  app.use(correlationMiddleware);
  app.use(requestTelemetryMiddleware(logger));
  useBodyParsers(app, options.bodyLimit, options.streamedBodyRoutes);
  app.use(reenterTraceContext);
  app.use(reenterTraceContextOnError);
  app.useGlobalFilters(new ProblemDetailsFilter(logger, errorRenderers(app)));
  setupOpenApi(app, options);
  return { logger, config, options };
}
