import { Type } from '@sinclair/typebox';
import { isDomainError } from '@sp/errors';
import { schemaValidator } from './schema-validator';

const schema = Type.Object(
  {
    patient: Type.Object(
      { nhsNumber: Type.String({ pattern: '^\\d{10}$' }) },
      { additionalProperties: false },
    ),
    needs: Type.Array(Type.String(), { minItems: 1 }),
    priority: Type.Union([Type.Literal('routine'), Type.Literal('urgent')]),
  },
  { additionalProperties: false },
);

describe('schemaValidator', () => {
  const validator = schemaValidator(schema);

  it('accepts a valid value', () => {
    expect(
      validator.problems({ patient: { nhsNumber: '9434765919' }, needs: ['a'], priority: 'routine' }),
    ).toEqual([]);
  });

  it('names every failing field with a stable code', () => {
    const problems = validator.problems({
      patient: { nhsNumber: 'x', name: 'Ann' },
      needs: [],
      colour: 'red',
    });
    const byField = Object.fromEntries(problems.map((p) => [p.field, p.code]));
    expect(byField).toMatchObject({
      'patient.nhsNumber': 'pattern',
      'patient.name': 'unknown_field',
      needs: 'minItems',
      priority: 'required',
      colour: 'unknown_field',
    });
  });

  it('parse throws a ValidationError carrying the problems', () => {
    try {
      validator.parse('not an object');
      throw new Error('expected failure');
    } catch (error) {
      expect(isDomainError(error) && error.code).toBe('VALIDATION.FAILED');
      expect(isDomainError(error) && error.problems[0]?.field).toBe('(body)');
    }
  });
});
