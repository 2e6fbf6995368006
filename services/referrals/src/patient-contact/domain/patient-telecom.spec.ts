import { emailAddress, ukMobile } from './patient-telecom';

describe('ukMobile', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['07700900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['0044 7700-900123', '+447700900123'],
    ['(07700) 900.123', '+447700900123'],
  ])('normalises %s to %s', (raw, e164) => {
    expect(ukMobile(raw)).toEqual({ ok: true, value: e164 });
  });

  it.each([
    ['01632 960001', 'starts with 07'],
    ['0770 090012', '9 digits'],
    ['07700 9001234', '9 digits'],
    ['+33 6 12 34 56 78', 'Only UK mobile'],
    ['0770O 900123', 'digits only'],
    ['7700 900123', 'starts with 07'],
    ['07700+900123', 'may only start'],
  ])('refuses %s', (raw, reason) => {
    const result = ukMobile(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('emailAddress', () => {
  it('accepts ordinary addresses', () => {
    expect(emailAddress('ada.lovelace@example.org')).toEqual({ ok: true, value: 'ada.lovelace@example.org' });
    expect(emailAddress(' a+b@mail.example.co.uk ')).toEqual({ ok: true, value: 'a+b@mail.example.co.uk' });
  });

  it.each(['ada', 'ada@', '@example.org', 'ada@example', 'Ada <ada@example.org>', 'a b@example.org'])(
    'refuses %s',
    (raw) => {
      expect(emailAddress(raw).ok).toBe(false);
    },
  );
});
