import { refusalIdFor, refusalReasons } from './refusal.rules';

const target = (code: string) => ({ field: 'targetServiceId', code, message: code });

describe('refusals at intake', () => {
  it("is a refusal only when every problem is the target service's", () => {
    expect(refusalReasons([target('no_capacity')])).toEqual(['no-capacity']);
    expect(
      refusalReasons([
        target('service_not_active'),
        target('organisation_suspended'),
        target('organisation_unverified'),
        target('not_eligible_age'),
        target('no_capacity'),
      ]),
    ).toEqual(['service-not-active', 'organisation-unavailable', 'not-eligible', 'no-capacity']);
    expect(refusalReasons([target('unknown_service')])).toEqual(['unknown-service']);
  });

  it('is no refusal when the request is wrong in any other way, or not refused at all', () => {
    expect(refusalReasons([])).toBeNull();
    expect(
      refusalReasons([target('no_capacity'), { field: 'patient.sex', code: 'unknown_code', message: '' }]),
    ).toBeNull();
    expect(refusalReasons([target('something_new')])).toBeNull();
    expect(
      refusalReasons([{ field: 'targets[0].targetServiceId', code: 'no_capacity', message: '' }]),
    ).toBeNull();
  });

  it('derives the id from requester and Idempotency-Key, or draws a new one without a key', () => {
    const random = () => 'fresh';
    const a = refusalIdFor('org-a', 'key-12345678', random);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(refusalIdFor('org-a', 'key-12345678', random)).toBe(a);
    expect(refusalIdFor('org-b', 'key-12345678', random)).not.toBe(a);
    expect(refusalIdFor('org-a', undefined, random)).toBe('fresh');
  });
});
