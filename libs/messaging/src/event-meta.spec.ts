import { traceContext } from '@sp/observability';
import { eventMetaFromContext } from './event-meta';

describe('eventMetaFromContext', () => {
  it('carries the ids of what is being handled', () => {
    const meta = traceContext.run({ correlationId: 'corr-1', causationId: 'evt-0' }, () =>
      eventMetaFromContext('/services/x'),
    );
    expect(meta).toMatchObject({ source: '/services/x', correlationId: 'corr-1', causationId: 'evt-0' });
  });

  it('starts a new correlation outside any request', () => {
    const meta = eventMetaFromContext('/services/x');
    expect(meta.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.causationId).toBeUndefined();
  });
});
