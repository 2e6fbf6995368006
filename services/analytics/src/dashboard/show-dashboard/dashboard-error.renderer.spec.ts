import { wantsJson } from './dashboard-error.renderer';

describe('dashboard errors: HTML unless Accept prefers JSON', () => {
  it.each([
    [undefined, false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['*/*', false],
    ['application/json', true],
    ['application/problem+json', true],
    ['text/html;q=0.5, application/json', true],
    ['application/json;q=0.2, text/html', false],
    ['application/json;q=0', false],
  ])('Accept %p -> JSON %p', (accept, json) => {
    expect(wantsJson(accept)).toBe(json);
  });
});
