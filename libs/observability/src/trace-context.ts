import { AsyncLocalStorage } from 'node:async_hooks';

/** What ties one unit of work (an HTTP request, a consumed event, a job) to the ones around it. */
export interface TraceContext {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

/**
 * The ambient trace context. `run` scopes a context to everything `fn` starts, across awaits,
 * timers and event emitters created inside it; `current` reads it anywhere below (logger mixin,
 * envelope creation, outgoing HTTP calls) without threading it through every signature.
 */
export const traceContext = {
  run<T>(ctx: TraceContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): TraceContext | undefined {
    return storage.getStore();
  },
};
