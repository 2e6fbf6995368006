import { NHS_NUMBER_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import { readGoal } from './goal.reader';
import type { Located, Scope } from './references';

const patient: Located = {
  resource: { resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9434765919' }] },
  path: 'Bundle.entry[0].resource',
};
const scope: Scope = { resolve: (r) => (r === 'urn:uuid:p' ? patient : undefined), patients: [patient] };
const path = 'Bundle.entry[3].resource';

function read(resource: Json) {
  const problems = new Problems();
  return { ...readGoal({ resource, path }, patient, scope, problems), problems: problems.list };
}

describe('Goal reader', () => {
  it('stores a coded description and returns what the Goal addresses', () => {
    const read1 = read({
      resourceType: 'Goal',
      lifecycleStatus: 'active',
      description: { coding: [{ system: SNOMED_CT, code: '1078229009', display: 'Food security' }] },
      subject: { reference: 'urn:uuid:p' },
      addresses: [{ reference: 'urn:uuid:c' }, { display: 'no reference' }],
    });
    expect(read1).toEqual({
      description: { codings: [{ system: SNOMED_CT, code: '1078229009', display: 'Food security' }] },
      addresses: [{ reference: 'urn:uuid:c', path: `${path}.addresses[0]` }],
      problems: [],
    });
  });

  it('keeps a text-only description (stored with the referral, never in events)', () => {
    expect(read({ resourceType: 'Goal', description: { text: 'Walk twice a week' } }).description).toEqual({
      codings: [],
      text: 'Walk twice a week',
    });
  });

  it('refuses a Goal without description, of another patient, or with unknown elements', () => {
    const { problems } = read({
      resourceType: 'Goal',
      subject: { reference: 'urn:uuid:nobody' },
      dueDate: '2025-01-01',
    });
    expect(problems.map((p) => p.field).sort()).toEqual(
      [`${path}.description`, `${path}.dueDate`, `${path}.subject.reference`].sort(),
    );
  });
});
