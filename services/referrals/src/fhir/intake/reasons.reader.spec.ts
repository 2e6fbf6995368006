import { FieldExpressions } from '../field-expressions';
import { SNOMED_CT } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import { DerivedNeeds } from './needs.reader';
import { PERTAINS_TO_GOAL, readReasons } from './reasons.reader';
import type { Located, Scope } from './references';

const path = 'Bundle.entry[1].resource';
const entry = (resource: Json, i: number): Located => ({ resource, path: `Bundle.entry[${i}].resource` });
const condition = (code: string) => ({
  resourceType: 'Condition',
  code: { coding: [{ system: SNOMED_CT, code }] },
});
const goal = (addresses?: string) => ({
  resourceType: 'Goal',
  lifecycleStatus: 'active',
  description: { text: 'Feel less alone' },
  ...(addresses ? { addresses: [{ reference: addresses }] } : {}),
});

function read(sr: Json, entries: Record<string, Located>, supportingInfo = true) {
  const scope: Scope = { resolve: (r) => entries[r], patients: [] };
  const problems = new Problems();
  const needs = new DerivedNeeds(new FieldExpressions(path));
  const reasons = readReasons({ resource: sr, path }, undefined, scope, problems, needs, { supportingInfo });
  return { reasons, needs: needs.list, problems: problems.list.map((p) => `${p.field} ${p.code}`) };
}

describe('reasons reader', () => {
  const consent = entry({ resourceType: 'Consent' }, 5);

  it('reads Conditions (reasonReference, supportingInfo, a Goal addresses) and Goals (supportingInfo, pertainsToGoal), each once', () => {
    const entries = {
      'urn:c1': entry(condition('422650009'), 2),
      'urn:c2': entry(condition('73595000'), 3),
      'urn:g1': entry(goal('urn:c2'), 4),
      'urn:consent': consent,
    };
    const { reasons, needs, problems } = read(
      {
        reasonReference: [{ reference: 'urn:c1' }],
        supportingInfo: [{ reference: 'urn:consent' }, { reference: 'urn:g1' }, { reference: 'urn:c1' }],
        extension: [{ url: PERTAINS_TO_GOAL, valueReference: { reference: 'urn:g1' } }],
      },
      entries,
    );
    expect(problems).toEqual([]);
    expect(reasons.consent).toBe(consent);
    expect(reasons.conditions.map((c) => c.codings[0]?.code)).toEqual(['422650009', '73595000']);
    expect(reasons.goals).toEqual([{ codings: [], text: 'Feel less alone' }]);
    expect(reasons.used.map((u) => u.path)).toEqual([
      'Bundle.entry[2].resource',
      'Bundle.entry[4].resource',
      'Bundle.entry[3].resource',
    ]);
    expect(needs).toEqual(['sp-need-loneliness', '422650009', 'sp-need-mental-wellbeing', '73595000']);
  });

  it('reads Conditions contained in the ServiceRequest', () => {
    const { reasons } = read(
      { contained: [{ ...condition('32911000'), id: 'c' }], reasonReference: [{ reference: '#c' }] },
      {},
    );
    expect(reasons.used.map((u) => u.path)).toEqual([`${path}.contained[0]`]);
  });

  it('refuses unresolved references and reasons that are not Conditions', () => {
    const { problems } = read(
      {
        reasonReference: [{ reference: 'Condition/remote' }, { reference: 'urn:g1' }, { display: 'x' }],
        supportingInfo: [{ reference: 'urn:p' }],
        extension: [{ url: PERTAINS_TO_GOAL, valueReference: { reference: 'urn:c1' } }],
      },
      {
        'urn:g1': entry(goal(), 2),
        'urn:c1': entry(condition('422650009'), 3),
        'urn:p': entry({ resourceType: 'Patient' }, 0),
      },
    );
    expect(problems).toEqual([
      `${path}.reasonReference[0] value`,
      `${path}.reasonReference[1] not-supported`,
      `${path}.reasonReference[2].reference required`,
      `${path}.extension[0].valueReference value`,
      `${path}.supportingInfo[0] not-supported`,
    ]);
  });

  it('leaves supportingInfo alone for onward referrals (refused by their reader)', () => {
    const { reasons, problems } = read({ supportingInfo: [{ reference: 'urn:x' }] }, {}, false);
    expect([reasons.used, problems]).toEqual([[], []]);
  });
});
