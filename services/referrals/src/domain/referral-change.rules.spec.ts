import { changeProblems, isKnownOutcomeCode, ons4Problems, reasonProblems } from './referral-change.rules';

const scores = { lifeSatisfaction: 4, worthwhile: 5, happiness: 6, anxiety: 7 };
const fields = (problems: { field: string; code: string }[]) => problems.map((p) => `${p.field}:${p.code}`);

describe('reason rules', () => {
  it.each(['reject', 'cancel', 'hold', 'fail'] as const)('%s requires a reason', (action) => {
    expect(fields(reasonProblems(action, undefined))).toEqual(['reason:required']);
    expect(reasonProblems(action, { code: 'no-capacity' })).toEqual([]);
  });
  it('"other" requires a text', () => {
    expect(fields(reasonProblems('reject', { code: 'other' }))).toEqual(['reason.text:required']);
    expect(fields(reasonProblems('reject', { code: 'other', text: '  ' }))).toEqual(['reason.text:required']);
    expect(reasonProblems('reject', { code: 'other', text: 'moved away' })).toEqual([]);
  });
  it('refuses unknown codes and codes only the platform sets', () => {
    expect(fields(reasonProblems('cancel', { code: 'bored' }))).toEqual(['reason.code:unknown_code']);
    expect(fields(reasonProblems('reject', { code: 'no-response' }))).toEqual(['reason.code:reserved']);
    expect(fields(reasonProblems('cancel', { code: 'consent-withdrawn' }))).toEqual(['reason.code:reserved']);
  });
  it('accepts every party reason code', () => {
    for (const code of [
      'no-capacity',
      'not-eligible',
      'unable-to-contact',
      'patient-declined',
      'duplicate',
      'referred-elsewhere',
    ])
      expect(reasonProblems('reject', { code })).toEqual([]);
  });
});

describe('completion and ONS4', () => {
  it('completion needs known outcome codes', () => {
    expect(fields(changeProblems('complete', {}))).toEqual(['outcome.codes:required']);
    expect(
      fields(changeProblems('complete', { outcome: { codes: ['sp-outcome-attended', 'nonsense'] } })),
    ).toEqual(['outcome.codes[1]:unknown_code']);
    expect(changeProblems('complete', { outcome: { codes: ['sp-outcome-goals-met', '1234567'] } })).toEqual(
      [],
    );
    expect(isKnownOutcomeCode('sp-outcome-did-not-attend')).toBe(true);
  });
  it('outcome only on completion, wellbeing only on start or completion', () => {
    expect(fields(changeProblems('accept', { outcome: { codes: ['sp-outcome-attended'] } }))).toEqual([
      'outcome:not_allowed',
    ]);
    expect(fields(changeProblems('accept', { wellbeing: { baseline: scores } }))).toEqual([
      'wellbeing:not_allowed',
    ]);
    expect(changeProblems('start', { wellbeing: { baseline: scores } })).toEqual([]);
    expect(
      changeProblems('complete', {
        outcome: { codes: ['sp-outcome-attended'] },
        wellbeing: { baseline: scores, followUp: scores },
      }),
    ).toEqual([]);
  });
  it('each ONS4 item is an integer 0-10, all four present, nothing else', () => {
    expect(ons4Problems(scores, 'w')).toEqual([]);
    expect(ons4Problems({ lifeSatisfaction: 0, worthwhile: 10, happiness: 0, anxiety: 10 }, 'w')).toEqual([]);
    expect(fields(ons4Problems({ ...scores, happiness: 11, anxiety: -1, worthwhile: 2.5 }, 'w'))).toEqual([
      'w.worthwhile:out_of_range',
      'w.happiness:out_of_range',
      'w.anxiety:out_of_range',
    ]);
    expect(fields(ons4Problems({ lifeSatisfaction: 1, worthwhile: 1, happiness: 1, mood: 3 }, 'w'))).toEqual([
      'w.anxiety:required',
      'w.mood:unknown_field',
    ]);
    expect(fields(ons4Problems('high', 'w'))).toEqual(['w:wrong_type']);
    expect(
      fields(
        changeProblems('complete', {
          outcome: { codes: ['sp-outcome-attended'] },
          wellbeing: { followUp: { ...scores, happiness: '5' } },
        }),
      ),
    ).toEqual(['wellbeing.followUp.happiness:out_of_range']);
  });
});
