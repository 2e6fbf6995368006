import { contactConsent, mayReadPatientContact, PATIENT_CONTACT_SCOPE } from './patient-contact-access';

describe('mayReadPatientContact', () => {
  const allowed = ['notifications'];

  it('lets the named platform component read with an ops token or the dedicated scope', () => {
    expect(mayReadPatientContact({ clientId: 'notifications', role: 'ops', scopes: ['ops'] }, allowed)).toBe(
      true,
    );
    expect(
      mayReadPatientContact(
        { clientId: 'notifications', role: 'provider', scopes: [PATIENT_CONTACT_SCOPE] },
        allowed,
      ),
    ).toBe(true);
  });

  it('refuses other clients, even ops ones, and any person', () => {
    expect(mayReadPatientContact({ clientId: 'platform-ops', role: 'ops', scopes: ['ops'] }, allowed)).toBe(
      false,
    );
    expect(
      mayReadPatientContact(
        { clientId: 'riverside-gp', role: 'referrer', scopes: [PATIENT_CONTACT_SCOPE] },
        allowed,
      ),
    ).toBe(false);
    expect(
      mayReadPatientContact({ clientId: 'notifications', role: 'provider', scopes: ['provider'] }, allowed),
    ).toBe(false);
    expect(
      mayReadPatientContact(
        { clientId: 'notifications', role: 'ops', scopes: ['ops'], personSub: 'someone' },
        allowed,
      ),
    ).toBe(false);
    expect(mayReadPatientContact({ clientId: 'notifications', role: 'ops', scopes: ['ops'] }, [])).toBe(
      false,
    );
  });
});

describe('contactConsent', () => {
  it('is withdrawn once withdrawn, else given or not', () => {
    expect(contactConsent({ given: true })).toBe('given');
    expect(contactConsent({ given: false })).toBe('not-given');
    expect(contactConsent({ given: true, withdrawnAt: new Date() })).toBe('withdrawn');
  });
});
