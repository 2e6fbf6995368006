export { bootstrapService, createServiceApp } from './bootstrap';
export type { BootstrapOptions, CreateServiceAppOptions, ServiceApp } from './bootstrap';
export { configureServiceApp } from './configure-app';
export type { ConfiguredApp } from './configure-app';
export { connectConsumer } from './consumer';
export type { ConsumerOptions } from './consumer';
export { ServiceKitModule } from './service-kit.module';
export { SERVICE_CONFIG, SERVICE_NAME, SERVICE_LOGGER, SERVICE_KIT_OPTIONS } from './service-kit.config';
export type {
  ServiceName,
  ServiceKitConfig,
  ServiceKitOptions,
  ResolvedServiceKitOptions,
} from './service-kit.config';
export { HealthRegistry, HEALTH_CHECK_TIMEOUT_MS } from './health-registry';
export type { HealthCheck, HealthCheckResult, HealthReport } from './health-registry';
export { MetricsGaugeRegistry } from './metrics-gauge-registry';
export type { AsyncGaugeDefinition, GaugeSample } from './metrics-gauge-registry';
export {
  toProblem,
  problemTypeUri,
  codeForStatus,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
} from './problem-details';
export type { Problem, ProblemContext, ProblemDocument } from './problem-details';
export { ProblemDetailsFilter, sendProblem, requestPath, ERROR_RENDERERS } from './problem-details.filter';
export type { ErrorRenderer } from './problem-details.filter';
export {
  correlationMiddleware,
  requestTraceContext,
  CORRELATION_HEADER,
  TRACEPARENT_HEADER,
} from './correlation.middleware';
export { bodyParserErrorToDomainError } from './body-parsers';
export { routeLabel } from './request-telemetry.middleware';
export { installGracefulShutdown, closeHttpServer } from './shutdown';
export type { GracefulShutdownOptions, Closable } from './shutdown';
export { reportBootFailure } from './boot-failure';
export { OutboxRelayModule } from './outbox-relay.module';
export { MongoReadiness } from './mongo-readiness';
export { RedisConnections } from './redis-connections';
