import { blankTextProblems, mergeProblems } from './field-problems';

describe('problems of a request', () => {
  it('names each field once, preferring the first list', () => {
    const first = [
      { field: 'owner.kind', code: 'not_allowed', message: 'x' },
      { field: 'text', code: 'maxLength', message: 'x' },
    ];
    const more = [
      { field: 'text', code: 'blank', message: 'y' },
      { field: 'owner.kind.x', code: 'y', message: 'y' },
      { field: 'owner.display', code: 'blank', message: 'y' },
    ];
    expect(mergeProblems(first, more).map((p) => `${p.field}:${p.code}`)).toEqual([
      'owner.kind:not_allowed',
      'text:maxLength',
      'owner.display:blank',
    ]);
  });

  it('names texts holding only white space; empty, missing and non-text values are left to the schema', () => {
    expect(
      blankTextProblems({
        text: ' \n\t',
        description: 'Walk',
        'owner.display': '',
        other: 3,
        gone: undefined,
      }),
    ).toEqual([{ field: 'text', code: 'blank', message: 'text must not be blank' }]);
  });
});
