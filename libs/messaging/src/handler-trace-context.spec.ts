import { parseTraceparent, traceContext } from '@sp/observability';
import { handlerTraceContext } from './kafka-event-transport';

describe('handler trace context', () => {
  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('carries the correlation id, the event id as causation id, and a child span of the producer trace', () => {
    const ctx = handlerTraceContext({ correlationid: 'corr-1', id: 'evt-1', traceparent: parent });
    expect(ctx.correlationId).toBe('corr-1');
    expect(ctx.causationId).toBe('evt-1');
    const span = parseTraceparent(ctx.traceparent);
    expect(span?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span?.parentId).not.toBe('b7ad6b7169203331');
  });

  it('gives the same span id on every read, including through traceContext', () => {
    const ctx = handlerTraceContext({ correlationid: 'c', id: 'e', traceparent: parent });
    const seen = traceContext.run(ctx, () => [
      traceContext.current()?.traceparent,
      traceContext.current()?.traceparent,
    ]);
    expect(seen[0]).toBeDefined();
    expect(seen[0]).toBe(seen[1]);
    expect(ctx.traceparent).toBe(seen[0]);
  });

  it('starts a new trace when the event has no traceparent', () => {
    const ctx = handlerTraceContext({ correlationid: 'c', id: 'e' });
    expect(parseTraceparent(ctx.traceparent)).toBeDefined();
  });
});
