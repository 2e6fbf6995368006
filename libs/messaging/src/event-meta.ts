import type { EnvelopeMeta } from '@sp/contracts';
import { newCorrelationId, traceContext } from '@sp/observability';

/**
 * Envelope metadata for an event produced now, by `source`: the correlation id, causation id and
 * traceparent of the request, message or job being handled (a new correlation id outside any).
 */
export function eventMetaFromContext(source: string): EnvelopeMeta {
  const ctx = traceContext.current();
  return {
    source,
    correlationId: ctx?.correlationId ?? newCorrelationId(),
    ...(ctx?.causationId ? { causationId: ctx.causationId } : {}),
    ...(ctx?.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}
