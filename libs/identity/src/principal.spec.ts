import { isDomainError } from '@sp/errors';
import { assertSameOrganisation, isRole, type Principal } from './principal';

const referrer: Principal = { clientId: 'c', organisationId: 'org-1', role: 'referrer', scopes: [] };

describe('assertSameOrganisation', () => {
  it('lets a client act on its own organisation', () => {
    expect(() => assertSameOrganisation(referrer, 'org-1')).not.toThrow();
  });

  it('lets ops act on any organisation', () => {
    expect(() => assertSameOrganisation({ ...referrer, role: 'ops' }, 'org-2')).not.toThrow();
  });

  it('forbids other organisations with AUTH.FORBIDDEN 403', () => {
    let caught: unknown;
    try {
      assertSameOrganisation(referrer, 'org-2');
    } catch (err: unknown) {
      caught = err;
    }
    expect(isDomainError(caught) && { code: caught.code, status: caught.status }).toEqual({
      code: 'AUTH.FORBIDDEN',
      status: 403,
    });
  });
});

describe('isRole', () => {
  it('knows exactly the five roles', () => {
    expect(['referrer', 'link-worker', 'provider', 'ops', 'commissioner'].every(isRole)).toBe(true);
    expect(isRole('admin')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
