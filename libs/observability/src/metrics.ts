import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

// One registry per process, even if this module is loaded twice (e.g. from src and from dist):
// prom-client refuses two metrics with the same name in one registry, and /metrics must show all.
const REGISTRY_KEY = Symbol.for('sp.observability.metricsRegistry');
type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: Registry };

function processRegistry(): Registry {
  const g = globalThis as GlobalWithRegistry;
  let registry = g[REGISTRY_KEY];
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
    g[REGISTRY_KEY] = registry;
  }
  return registry;
}

/** The process-wide Prometheus registry (default Node metrics included) served at GET /metrics. */
export const metricsRegistry: Registry = processRegistry();

type MetricClass<M> = abstract new (...args: never[]) => M;

function getOrCreate<M extends Metric<string>>(name: string, kind: MetricClass<M>, create: () => M): M {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) {
    throw new Error(`Metric "${name}" is already registered as a different kind of metric`);
  }
  return existing;
}

/**
 * Get-or-create helpers: several libraries (messaging, service-kit, a service) may ask for the same
 * metric name; the first call creates it in `metricsRegistry`, later calls get the same instance.
 * The first caller's help text and labels win.
 */
export function counter<T extends string = string>(
  config: Omit<CounterConfiguration<T>, 'registers'>,
): Counter<T> {
  return getOrCreate(
    config.name,
    Counter<T>,
    () => new Counter<T>({ ...config, registers: [metricsRegistry] }),
  );
}

export function gauge<T extends string = string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
  return getOrCreate(config.name, Gauge<T>, () => new Gauge<T>({ ...config, registers: [metricsRegistry] }));
}

export function histogram<T extends string = string>(
  config: Omit<HistogramConfiguration<T>, 'registers'>,
): Histogram<T> {
  return getOrCreate(
    config.name,
    Histogram<T>,
    () => new Histogram<T>({ ...config, registers: [metricsRegistry] }),
  );
}
