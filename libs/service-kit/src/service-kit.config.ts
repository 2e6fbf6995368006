import type { TObject } from '@sinclair/typebox';
import type { DestinationStream } from 'pino';
import type { CommonConfig } from '@sp/config';
import type { ServiceName } from '@sp/contracts';

export type { ServiceName };

/**
 * What the kit reads from a service's config: the common variables (the service schema spreads
 * `CommonConfigSchema.properties`) and, optionally, PORT.
 */
export type ServiceKitConfig = CommonConfig & { PORT?: number };

/** Injection token: the service's validated config object (its own Static<schema>). */
export const SERVICE_CONFIG = Symbol.for('sp.service-kit.config');
/** Injection token: the service name ('referrals', ...). */
export const SERVICE_NAME = Symbol.for('sp.service-kit.name');
/** Injection token: the service's pino logger (JSON, with correlation ids). */
export const SERVICE_LOGGER = Symbol.for('sp.service-kit.logger');
/** Injection token: the resolved ServiceKitModule options (used by bootstrapService). */
export const SERVICE_KIT_OPTIONS = Symbol.for('sp.service-kit.options');

interface ServiceKitBaseOptions {
  name: ServiceName;
  /** JSON/form body limit (body-parser syntax); '1mb' by default. Larger bodies get 413. */
  bodyLimit?: string;
  /**
   * Routes whose JSON body is not parsed (nor limited) by the kit, as 'METHOD /exact/path': the
   * handler reads the raw request stream itself (e.g. 'POST /v1/directory/imports').
   */
  streamedBodyRoutes?: string[];
  /** Mount the ops dead-letter endpoints (GET/POST /ops/dead-letters...). Default true. */
  deadLetterEndpoints?: boolean;
  /** Title and version of the OpenAPI document at /docs. */
  openApi?: { title?: string; description?: string; version?: string };
  /** Where JSON log lines go; stdout by default (tests pass a stream to read them back). */
  logDestination?: DestinationStream;
}

/**
 * Either a config object already loaded with `loadConfig`, or the schema to load it from. With the
 * schema, loading happens while the app is created, so a bad variable is reported as a clean boot
 * failure (one paragraph, exit 1) rather than a stack trace from a module import.
 */
export type ServiceKitOptions =
  | (ServiceKitBaseOptions & { config: ServiceKitConfig; configSchema?: never })
  | (ServiceKitBaseOptions & { configSchema: TObject; env?: NodeJS.ProcessEnv; config?: never });

export interface ResolvedServiceKitOptions {
  name: ServiceName;
  bodyLimit: string;
  streamedBodyRoutes: string[];
  deadLetterEndpoints: boolean;
  openApi: { title: string; description: string; version: string };
}
