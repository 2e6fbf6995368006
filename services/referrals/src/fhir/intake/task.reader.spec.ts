import { TASK_CODE_SYSTEM } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import type { Located, Scope } from './references';
import { checkTask, taskFocusing } from './task.reader';

const sr: Located = { resource: { resourceType: 'ServiceRequest' }, path: 'Bundle.entry[1].resource' };
const patient: Located = { resource: { resourceType: 'Patient' }, path: 'Bundle.entry[0].resource' };
const scope: Scope = {
  resolve: (r) => ({ 'urn:sr': sr, 'urn:p': patient })[r],
  patients: [patient],
};
const task = (more: Json = {}): Located => ({
  resource: {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'fulfill' }] },
    focus: { reference: 'urn:sr' },
    for: { reference: 'urn:p' },
    ...more,
  },
  path: 'Bundle.entry[2].resource',
});

function check(t: Located, parent?: string): string[] {
  const problems = new Problems();
  checkTask(t, sr, patient, parent, scope, problems);
  return problems.list.map((p) => p.field);
}

describe('Task reader', () => {
  it('accepts a requested fulfil Task focused on the ServiceRequest', () => {
    expect(check(task())).toEqual([]);
    expect(taskFocusing([task()], sr, scope)).toBeDefined();
  });

  it('names every wrong element', () => {
    const at = 'Bundle.entry[2].resource';
    expect(
      check(
        task({
          status: 'accepted',
          intent: 'plan',
          code: { coding: [] },
          focus: { reference: 'urn:x' },
          partOf: [{ reference: 'Task/p' }],
        }),
      ),
    ).toEqual([`${at}.intent`, `${at}.status`, `${at}.code`, `${at}.focus`, `${at}.partOf`]);
  });

  it('requires an onward referral Task to be partOf the parent Task', () => {
    expect(check(task({ partOf: [{ reference: 'Task/parent-1' }] }), 'parent-1')).toEqual([]);
    expect(check(task(), 'parent-1')).toEqual(['Bundle.entry[2].resource.partOf']);
  });
});
