import { candidatesNear, snapshotOf, type ListingEntry } from './listing-snapshot';

const middlesbrough = { latitude: 54.5742, longitude: -1.2349 };
const stockton = { latitude: 54.5705, longitude: -1.3187 }; // ~5.4 km from Middlesbrough
const leeds = { latitude: 53.7997, longitude: -1.5492 }; // ~90 km away

const entry = (serviceId: string, taxonomyTermIds: string[], locations = [stockton]): ListingEntry => ({
  serviceId,
  serviceName: serviceId,
  organisationId: `org-${serviceId}`,
  status: 'active',
  published: true,
  organisationActive: true,
  taxonomyTermIds,
  languages: [],
  locations,
});

describe('candidatesNear', () => {
  const snapshot = snapshotOf([
    entry('both', ['lonely', 'debt', 'lonely']),
    entry('debt-only', ['debt']),
    entry('far', ['lonely'], [leeds]),
    entry('one-site-near', ['lonely'], [leeds, stockton]),
    entry('no-site', ['lonely'], []),
    entry('other-need', ['food']),
  ]);

  it('keeps each service meeting a need once, within the radius or without a located site', () => {
    expect(
      candidatesNear(snapshot, ['lonely', 'debt'], middlesbrough, 25, 0)
        .map((e) => e.serviceId)
        .sort(),
    ).toEqual(['both', 'debt-only', 'no-site', 'one-site-near']);
  });

  it('adds a bounded sample of services beyond the radius (so exclusions can be explained)', () => {
    expect(candidatesNear(snapshot, ['lonely'], middlesbrough, 25, 1).map((e) => e.serviceId)).toContain(
      'far',
    );
    expect(candidatesNear(snapshot, ['lonely'], middlesbrough, 25, 0).map((e) => e.serviceId)).not.toContain(
      'far',
    );
  });

  it('widens with the radius and finds nothing for an unknown need', () => {
    expect(candidatesNear(snapshot, ['lonely'], middlesbrough, 200, 0).map((e) => e.serviceId)).toContain(
      'far',
    );
    expect(candidatesNear(snapshot, ['unknown'], middlesbrough, 200)).toEqual([]);
    expect(snapshot.size).toBe(6);
  });
});
