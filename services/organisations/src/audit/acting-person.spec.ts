import { actingPerson } from './acting-person';

describe('actingPerson', () => {
  it('keeps the subject and name of a signed-in person, nothing for an API client', () => {
    expect(
      actingPerson({
        person: { sub: 'lw-ali', issuer: 'https://idp.example', name: 'Ali Khan', teamRole: 'worker' },
      }),
    ).toEqual({ sub: 'lw-ali', name: 'Ali Khan' });
    expect(
      actingPerson({ person: { sub: 'lw-bea', issuer: 'https://idp.example', teamRole: 'team-lead' } }),
    ).toEqual({ sub: 'lw-bea' });
    expect(actingPerson({})).toBeUndefined();
  });
});
