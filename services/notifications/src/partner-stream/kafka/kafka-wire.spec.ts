import { frame, requestHeaderV2, WireReader, WireWriter } from './kafka-wire';

const hex = (b: Buffer) => b.toString('hex');

describe('Kafka wire primitives', () => {
  it('encodes unsigned varints as the protocol does (7 bits a byte, low first)', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16384, '808001'],
      [0xffffffff, 'ffffffff0f'],
    ];
    for (const [value, bytes] of cases) {
      expect(hex(new WireWriter().uvarint(value).toBuffer())).toBe(bytes);
      expect(new WireReader(Buffer.from(bytes, 'hex')).uvarint()).toBe(value);
    }
    expect(() => new WireWriter().uvarint(-1)).toThrow(RangeError);
  });

  it('writes compact strings, bytes and arrays with length + 1, and null arrays as 0', () => {
    const w = new WireWriter()
      .compactString('ab')
      .compactBytes(Buffer.from([0xff]))
      .compactArray(['x'], (ww, s) => ww.compactString(s))
      .compactArray(null, () => undefined)
      .compactArray([], () => undefined);
    expect(hex(w.toBuffer())).toBe('036162' + '02ff' + '02' + '0278' + '00' + '01');
  });

  it('reads compact and nullable strings, arrays and skips tagged fields', () => {
    // "hi", null, array of two int8, a tagged section with one 2-byte field, then int16 7
    const r = new WireReader(
      Buffer.from('036869' + '00' + '030102' + '01' + '05' + '02' + 'aaaa' + '0007', 'hex'),
    );
    expect(r.compactString()).toBe('hi');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactArray((rr) => rr.int8())).toEqual([1, 2]);
    r.skipTaggedFields();
    expect(r.int16()).toBe(7);
    expect(r.remaining).toBe(0);
  });

  it('refuses to read past the end of a truncated message', () => {
    expect(() => new WireReader(Buffer.from('0568', 'hex')).compactString()).toThrow(/truncated/);
    expect(() => new WireReader(Buffer.from('00', 'hex')).int32()).toThrow(/truncated/);
    expect(() => new WireReader(Buffer.from('8080', 'hex')).uvarint()).toThrow(/truncated/);
  });

  it('builds request header v2 (classic client id string, then an empty tagged section) and frames it', () => {
    const header = requestHeaderV2(51, 0, 7, 'ab');
    expect(hex(header)).toBe('0033' + '0000' + '00000007' + '00026162' + '00');
    expect(hex(frame(header, Buffer.from([0x00])))).toBe('0000000e' + hex(header) + '00');
  });
});
