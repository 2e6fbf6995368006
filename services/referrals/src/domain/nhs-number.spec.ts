import { isValidNhsNumber, nhsNumberProblem, normaliseNhsNumber } from './nhs-number';

describe('NHS number', () => {
  it.each(['9434765919', '9000000009', '943 476 5919', '943-476-5919'])('accepts %s', (value) => {
    expect(isValidNhsNumber(value)).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    expect(nhsNumberProblem('9434765918')).toBe('check-digit');
  });

  it('rejects numbers whose check would be 10', () => {
    // weighted sum of 000000006 is 6 * 2 = 12; 11 - (12 mod 11) = 10: no digit can match.
    expect(nhsNumberProblem('0000000060')).toBe('check-digit');
  });

  it.each(['', '123', '94347659190', 'abcdefghij'])('rejects the format of "%s"', (value) => {
    expect(nhsNumberProblem(value)).toBe('format');
  });

  it('normalises printed forms', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
  });
});
