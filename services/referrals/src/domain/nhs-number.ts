/**
 * NHS number check (NHS Data Dictionary): 10 digits; digits 1-9 weighted 10 down to 2 and summed;
 * check = 11 - (sum mod 11), where 11 means 0 and 10 means the number cannot be valid; the check
 * must equal digit 10. Spaces and hyphens as printed on letters ("943 476 5919") are accepted.
 */
export type NhsNumberProblem = 'format' | 'check-digit';

export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function nhsNumberProblem(input: string): NhsNumberProblem | undefined {
  const digits = normaliseNhsNumber(input);
  if (!/^\d{10}$/.test(digits)) return 'format';
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return 'check-digit';
  const expected = check === 11 ? 0 : check;
  return expected === Number(digits[9]) ? undefined : 'check-digit';
}

export function isValidNhsNumber(input: string): boolean {
  return nhsNumberProblem(input) === undefined;
}
