import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { contractRegistry, deadLetterTopicName } from '@sp/contracts';

// docker-compose.yml cannot run on our machines (no Docker engine), so this checks statically what
// `docker compose up` relies on: images, wiring, health checks, and that every variable we hand a
// service is one that service actually reads (a typo would otherwise be ignored silently).

const repoRoot = resolve(__dirname, '..');
const OUR_SERVICES = { referrals: 3001, organisations: 3002, notifications: 3003, analytics: 3004 } as const;
type OurService = keyof typeof OUR_SERVICES;

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dict(v: unknown, what: string): Dict {
  if (!isDict(v)) throw new Error(`${what} should be a mapping, got ${JSON.stringify(v)}`);
  return v;
}

const compose = dict(
  parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }),
  'compose',
);
const services = dict(compose['services'], 'services');

function service(name: string): Dict {
  return dict(services[name], `services.${name}`);
}

/** `environment` as a list of `KEY=value` or as a mapping -> mapping. */
function environmentOf(name: string): Record<string, string> {
  const env = service(name)['environment'];
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const [key, ...rest] = String(entry).split('=');
        return [key, rest.join('=')];
      }),
    );
  }
  return Object.fromEntries(Object.entries(dict(env, `${name}.environment`)).map(([k, v]) => [k, String(v)]));
}

function commandWords(name: string): string[] {
  const command = service(name)['command'];
  if (Array.isArray(command)) return command.map(String);
  return typeof command === 'string' ? command.split(/\s+/) : [];
}

/** Short (`"3001:3001"`, `"127.0.0.1:3001:3001/tcp"`) and long (`{ target, published }`) port syntax. */
function portMappings(name: string): Array<{ published: string; target: string }> {
  const ports = service(name)['ports'];
  if (!Array.isArray(ports)) return [];
  return ports.map((p: unknown) => {
    if (isDict(p)) return { published: String(p['published']), target: String(p['target']) };
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    return { published: parts[parts.length - 2] ?? '', target: parts[parts.length - 1] ?? '' };
  });
}

function dependsOn(name: string): string[] {
  const deps = service(name)['depends_on'];
  if (deps === undefined) return [];
  return Array.isArray(deps) ? deps.map(String) : Object.keys(dict(deps, `${name}.depends_on`));
}

async function acceptedEnvNames(svc: OurService): Promise<string[]> {
  const mod: unknown = await import(`../services/${svc}/src/service.config`);
  const schema = isDict(mod) ? mod['ServiceConfigSchema'] : undefined;
  if (!isDict(schema) || !isDict(schema['properties'])) {
    throw new Error(
      `services/${svc}/src/service.config.ts must export ServiceConfigSchema (a TypeBox object)`,
    );
  }
  return Object.keys(schema['properties']);
}

describe('docker-compose.yml', () => {
  it('is a compose file whose services each have an image or a build', () => {
    expect(Object.keys(services).length).toBeGreaterThan(0);
    for (const [name, def] of Object.entries(services)) {
      const s = dict(def, name);
      expect({ name, hasImageOrBuild: 'image' in s || 'build' in s }).toEqual({
        name,
        hasImageOrBuild: true,
      });
    }
  });

  it('builds from contexts and Dockerfiles that exist', () => {
    for (const [name, def] of Object.entries(services)) {
      const build = dict(def, name)['build'];
      if (build === undefined) continue;
      const context =
        typeof build === 'string' ? build : String(dict(build, `${name}.build`)['context'] ?? '.');
      const dockerfile = isDict(build) && build['dockerfile'] ? String(build['dockerfile']) : 'Dockerfile';
      expect(existsSync(join(repoRoot, context))).toBe(true);
      expect(existsSync(join(repoRoot, context, dockerfile))).toBe(true);
    }
  });

  it('uses the real Kafka 3.9, MongoDB 7 and Redis 7 images', () => {
    expect(service('kafka')['image']).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(service('mongo')['image']).toBe('mongo:7');
    expect(service('redis')['image']).toBe('redis:7');
  });

  it('runs a single-node KRaft broker without automatic topic creation', () => {
    const env = environmentOf('kafka');
    expect(env['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(env['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
    expect(env['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR']).toBe('1');
    expect(env['KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR']).toBe('1');
    expect(env['KAFKA_TRANSACTION_STATE_LOG_MIN_ISR']).toBe('1');
  });

  it('creates every platform topic and its dead-letter twin in kafka-init', () => {
    const init = service('kafka-init');
    const mounted = (Array.isArray(init['volumes']) ? init['volumes'] : []).map(String);
    const scriptMount = mounted.find((v) => v.endsWith(':/init/create-topics.sh:ro'));
    expect(scriptMount).toBeDefined();
    const script = readFileSync(join(repoRoot, String(scriptMount).split(':')[0] ?? ''), 'utf8');
    expect(script).toContain('--create --if-not-exists');
    // The script lists each topic as name:partitions.
    const declared = new Map(
      [...script.matchAll(/\b(sp\.[a-z0-9.-]+):(\d+)\b/g)].map((m) => [m[1], Number(m[2])] as const),
    );
    const topics = contractRegistry.topics();
    expect(topics.length).toBeGreaterThan(0);
    expect([...declared.keys()].sort()).toEqual(topics.map((t) => t.name).sort());
    for (const topic of topics) {
      expect({ topic: topic.name, partitions: declared.get(topic.name) }).toEqual({
        topic: topic.name,
        partitions: topic.partitions,
      });
      // the script derives the twin as "$topic.dlq"
      expect(deadLetterTopicName(topic.name)).toBe(`${topic.name}.dlq`);
    }
    expect(script).toContain('"$topic.dlq"');
    expect(dependsOn('kafka-init')).toContain('kafka');
  });

  it('gives Redis an append-only file and the noeviction policy BullMQ needs', () => {
    const words = commandWords('redis');
    expect(words[words.indexOf('--appendonly') + 1]).toBe('yes');
    expect(words[words.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });

  it.each(Object.entries(OUR_SERVICES))(
    'publishes %s on port %i and builds it from infra/docker/Dockerfile',
    (name, port) => {
      expect(portMappings(name)).toContainEqual({ published: String(port), target: String(port) });
      const build = dict(service(name)['build'], `${name}.build`);
      expect(build['dockerfile']).toBe('infra/docker/Dockerfile');
      expect(dict(build['args'], `${name}.build.args`)['SERVICE']).toBe(name);
      expect(environmentOf(name)['PORT']).toBe(String(port));
    },
  );

  it('gives each service its own database, named in the MONGO_URL path', () => {
    const databases = Object.keys(OUR_SERVICES).map((name) => {
      const url = environmentOf(name)['MONGO_URL'] ?? '';
      expect(url).toMatch(/^mongodb:\/\/mongo:27017\//);
      return /^mongodb:\/\/[^/]+\/([^?]+)/.exec(url)?.[1];
    });
    expect(databases).toEqual(Object.keys(OUR_SERVICES).map((name) => `sp_${name}`));
  });

  it('points every service at the organisations JWKS and starts organisations first', () => {
    for (const name of Object.keys(OUR_SERVICES)) {
      expect(environmentOf(name)['JWKS_URL']).toBe('http://organisations:3002/.well-known/jwks.json');
      if (name !== 'organisations') expect(dependsOn(name)).toContain('organisations');
    }
  });

  it('only depends on services that exist', () => {
    for (const name of Object.keys(services)) {
      for (const target of dependsOn(name)) {
        expect({ name, dependsOn: target, exists: target in services }).toEqual({
          name,
          dependsOn: target,
          exists: true,
        });
      }
    }
  });

  it('has a health check for every service', () => {
    for (const name of Object.keys(services)) {
      const hc = service(name)['healthcheck'];
      const ok = isDict(hc) && hc['disable'] !== true && Array.isArray(hc['test']) && hc['test'].length > 1;
      expect({ name, healthcheck: ok }).toEqual({ name, healthcheck: true });
    }
  });

  it.each(Object.keys(OUR_SERVICES) as OurService[])(
    'only passes %s environment variables its configuration schema accepts',
    async (name) => {
      const accepted = await acceptedEnvNames(name);
      const unknown = Object.keys(environmentOf(name)).filter((key) => !accepted.includes(key));
      expect(unknown).toEqual([]);
    },
  );
});

describe('infra/docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(repoRoot, 'infra/docker/Dockerfile'), 'utf8');

  it('installs the locked dependencies, builds with npm run build, and runs the compiled service with the alias hook', () => {
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
    expect(dockerfile).toContain('npm install --no-audit --no-fund');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain(
      'node -r ./tools/runtime/register-aliases.js dist/services/${SERVICE}/src/main.js',
    );
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(existsSync(join(repoRoot, 'tools/runtime/register-aliases.js'))).toBe(true);
    expect(existsSync(join(repoRoot, 'infra/docker/healthcheck.js'))).toBe(true);
    expect(readFileSync(join(repoRoot, 'infra/docker/healthcheck.js'), 'utf8')).toContain('/health/ready');
  });

  it('ships the files services read at run time: the notifications email templates', () => {
    expect(dockerfile).toContain(
      'COPY --from=build /app/services/notifications/templates ./services/notifications/templates',
    );
    expect(existsSync(join(repoRoot, 'services/notifications/templates'))).toBe(true);
  });

  it('ignores local state and build output in the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'infra/local/.state']));
  });
});
