import { patientKeyFor } from './patient-key';

describe('patientKeyFor', () => {
  it('is stable for one patient however the number is printed, and differs per secret', () => {
    const a = patientKeyFor('9434765919', 'secret-one');
    expect(a).toMatch(/^[a-f0-9]{64}$/);
    expect(patientKeyFor('943 476 5919', 'secret-one')).toBe(a);
    expect(patientKeyFor('9434765919', 'secret-two')).not.toBe(a);
    expect(a).not.toContain('9434765919');
  });
});
