import { TASK_STATUSES, type TaskStatus } from '@sp/contracts';
import {
  ACTION_PARTIES,
  ACTION_TARGET,
  ACTIONS,
  actionFor,
  isTerminal,
  transitionRefusal,
  type Action,
  type Party,
} from './task-lifecycle';

/** The Gravity state machine written out independently of the implementation's tables. */
const ALLOWED: Record<TaskStatus, Partial<Record<Action, TaskStatus>>> = {
  draft: { 'enter-in-error': 'entered-in-error' },
  requested: {
    accept: 'accepted',
    reject: 'rejected',
    cancel: 'cancelled',
    'enter-in-error': 'entered-in-error',
  },
  accepted: {
    start: 'in-progress',
    hold: 'on-hold',
    complete: 'completed',
    fail: 'failed',
    cancel: 'cancelled',
    'enter-in-error': 'entered-in-error',
  },
  'in-progress': {
    hold: 'on-hold',
    complete: 'completed',
    fail: 'failed',
    cancel: 'cancelled',
    'enter-in-error': 'entered-in-error',
  },
  'on-hold': {
    resume: 'in-progress',
    complete: 'completed',
    fail: 'failed',
    cancel: 'cancelled',
    'enter-in-error': 'entered-in-error',
  },
  rejected: { 'enter-in-error': 'entered-in-error' },
  cancelled: { 'enter-in-error': 'entered-in-error' },
  completed: { 'enter-in-error': 'entered-in-error' },
  failed: { 'enter-in-error': 'entered-in-error' },
  'entered-in-error': {},
};

/** Who may make each move (receiving side sets most; either side cancels; requester/ops mark in error). */
const WHO: Record<Action, Party[]> = {
  accept: ['receiver'],
  reject: ['receiver', 'system'],
  start: ['receiver'],
  hold: ['receiver'],
  resume: ['receiver'],
  complete: ['receiver'],
  fail: ['receiver'],
  cancel: ['requester', 'receiver', 'ops'],
  'enter-in-error': ['requester', 'ops'],
};
const PARTIES: Party[] = ['requester', 'receiver', 'ops', 'system'];
const reason = { code: 'other' as const, text: 'because' };

const pairs = TASK_STATUSES.flatMap((from) => ACTIONS.map((action) => [from, action] as const));
const allowedPairs = pairs.filter(([from, action]) => ALLOWED[from][action] !== undefined);
const forbiddenPairs = pairs.filter(([from, action]) => ALLOWED[from][action] === undefined);

describe('Task lifecycle (Gravity)', () => {
  it('covers every (status, action) pair', () => {
    expect(allowedPairs.length + forbiddenPairs.length).toBe(TASK_STATUSES.length * ACTIONS.length);
    expect(allowedPairs).toHaveLength(25);
  });

  it.each(allowedPairs)('%s --%s--> allowed for the right party', (from, action) => {
    expect(ACTION_TARGET[action]).toBe(ALLOWED[from][action]);
    expect(transitionRefusal(action, from, WHO[action], reason)).toBeUndefined();
    expect(actionFor(from, ACTION_TARGET[action])).toBeDefined();
  });

  it.each(forbiddenPairs)('%s --%s--> refused as an invalid transition, whoever asks', (from, action) => {
    expect(transitionRefusal(action, from, PARTIES, reason)).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  const partyCases = ACTIONS.flatMap((action) => PARTIES.map((party) => [action, party] as const));
  it.each(partyCases)('%s by %s: permitted only for the parties the guide names', (action, party) => {
    const from = TASK_STATUSES.find((s) => ALLOWED[s][action] !== undefined)!;
    const refusal = transitionRefusal(action, from, [party], reason);
    if (WHO[action].includes(party)) expect(refusal).toBeUndefined();
    else expect(refusal).toMatchObject({ code: 'NOT_PERMITTED' });
    expect([...ACTION_PARTIES[action]].sort()).toEqual([...WHO[action]].sort());
  });

  it.each(['reject', 'cancel', 'hold', 'fail'] as const)('%s needs a reason', (action) => {
    const from = TASK_STATUSES.find((s) => ALLOWED[s][action] !== undefined)!;
    expect(transitionRefusal(action, from, WHO[action])).toMatchObject({ code: 'REASON_REQUIRED' });
  });

  it.each(['accept', 'start', 'resume', 'complete', 'enter-in-error'] as const)(
    '%s needs no reason',
    (action) => {
      const from = TASK_STATUSES.find((s) => ALLOWED[s][action] !== undefined)!;
      expect(transitionRefusal(action, from, WHO[action])).toBeUndefined();
    },
  );

  it('knows the terminal statuses', () => {
    expect(TASK_STATUSES.filter(isTerminal).sort()).toEqual(
      ['cancelled', 'completed', 'entered-in-error', 'failed', 'rejected'].sort(),
    );
  });

  it('finds the action between two statuses, or none', () => {
    expect(actionFor('on-hold', 'in-progress')).toBe('resume');
    expect(actionFor('accepted', 'in-progress')).toBe('start');
    expect(actionFor('requested', 'completed')).toBeUndefined();
    expect(actionFor('completed', 'in-progress')).toBeUndefined();
  });
});
