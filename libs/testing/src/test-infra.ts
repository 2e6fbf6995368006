// Endpoints of the real infrastructure that integration tests use (infra/local/platform.sh starts
// it). Read lazily, so a test file may set variables before first use.

const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
const DEFAULT_MONGO_URL = 'mongodb://127.0.0.1:27017/';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_FHIR_VALIDATOR_URL = 'http://127.0.0.1:8095';
const DEFAULT_OIDC_ISSUER_URL = 'http://127.0.0.1:8096';

function env(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export const testInfra = {
  get kafkaBrokers(): string[] {
    return (env('TEST_KAFKA_BROKERS', 'KAFKA_BROKERS') ?? DEFAULT_KAFKA_BROKERS)
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
  },
  get mongoUrl(): string {
    return env('TEST_MONGO_URL', 'MONGO_URL') ?? DEFAULT_MONGO_URL;
  },
  get redisUrl(): string {
    return env('TEST_REDIS_URL', 'REDIS_URL') ?? DEFAULT_REDIS_URL;
  },
  /** HAPI FHIR validator of platform.sh (POST /validate); its port follows SP_FHIR_VALIDATOR_PORT. */
  get fhirValidatorUrl(): string {
    const port = env('SP_FHIR_VALIDATOR_PORT');
    return (
      env('TEST_FHIR_VALIDATOR_URL', 'FHIR_VALIDATOR_URL') ??
      (port ? `http://127.0.0.1:${port}` : DEFAULT_FHIR_VALIDATOR_URL)
    );
  },
  /** Local OpenID Connect provider of platform.sh (issuer URL); its port follows SP_OIDC_PORT. */
  get oidcIssuerUrl(): string {
    const port = env('SP_OIDC_PORT');
    return (
      env('TEST_OIDC_ISSUER', 'SP_OIDC_ISSUER') ??
      (port ? `http://127.0.0.1:${port}` : DEFAULT_OIDC_ISSUER_URL)
    );
  },
  /** Bearer token of the local provider's dev admin API (POST /dev/people). */
  get oidcAdminToken(): string {
    return env('SP_OIDC_ADMIN_TOKEN') ?? 'sp-local-oidc-admin';
  },
  /** The Mongo URL with `db` as its database, keeping its query. */
  mongoUrlFor(db: string): string {
    return mongoUrlWithDatabase(testInfra.mongoUrl, db);
  },
};

/**
 * Replaces the database path of a MongoDB connection string. Done by hand, not with URL, because
 * a multi-host string (`mongodb://a:1,b:2/db`) is not a valid WHATWG URL.
 */
export function mongoUrlWithDatabase(url: string, db: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1) throw new Error(`Not a MongoDB connection string: ${url}`);
  const queryStart = url.indexOf('?');
  const withoutQuery = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const pathStart = withoutQuery.indexOf('/', schemeEnd + 3);
  const hosts = pathStart === -1 ? withoutQuery : withoutQuery.slice(0, pathStart);
  return `${hosts}/${encodeURIComponent(db)}${query.length > 0 ? `?${query}` : ''}`;
}
