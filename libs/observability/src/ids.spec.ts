import { newCorrelationId, newTraceparent, parseTraceparent } from './ids';

const W3C = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('newCorrelationId', () => {
  it('returns distinct UUID v4 strings', () => {
    const a = newCorrelationId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newCorrelationId()).not.toBe(a);
  });
});

describe('newTraceparent', () => {
  it('starts a new trace in W3C format without a parent', () => {
    const tp = newTraceparent();
    expect(tp).toMatch(W3C);
    expect(parseTraceparent(tp)?.traceId).not.toBe(parseTraceparent(newTraceparent())?.traceId);
  });

  it('keeps the trace id of a valid parent with a new span id', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const child = newTraceparent(parent);
    expect(child).toMatch(W3C);
    expect(child.split('-')[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.split('-')[2]).not.toBe('00f067aa0ba902b7');
  });

  it.each([
    'garbage',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e473Z-00f067aa0ba902b7-01',
  ])('starts a new trace when the parent %s is invalid', (parent) => {
    expect(parseTraceparent(parent)).toBeUndefined();
    const child = newTraceparent(parent);
    expect(child).toMatch(W3C);
    expect(child.split('-')[1]).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
