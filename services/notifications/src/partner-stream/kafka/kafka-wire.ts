// Kafka protocol primitives for the few admin requests kafkajs 2.2.4 does not have. Only what
// flexible (KIP-482) request and response versions need: big-endian fixed-width integers,
// unsigned varints, compact strings, bytes and arrays (length + 1 as a varint), tagged fields.
// No framework imports: encoded and decoded against known bytes in kafka-wire.spec.ts.

/** Builds one request or response body. */
export class WireWriter {
  private readonly chunks: Buffer[] = [];

  int8(value: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(value);
    return this.push(b);
  }

  int16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    return this.push(b);
  }

  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    return this.push(b);
  }

  uvarint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`uvarint out of range: ${value}`);
    }
    const bytes: number[] = [];
    let v = value;
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    return this.push(Buffer.from(bytes));
  }

  /** Classic (non-compact) nullable string: int16 length, -1 for null. Used by header client_id. */
  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const b = Buffer.from(value, 'utf8');
    return this.int16(b.length).push(b);
  }

  compactString(value: string): this {
    const b = Buffer.from(value, 'utf8');
    return this.uvarint(b.length + 1).push(b);
  }

  compactBytes(value: Buffer): this {
    return this.uvarint(value.length + 1).push(value);
  }

  /** A compact array; `null` encodes the nullable array's null (length 0). */
  compactArray<T>(items: readonly T[] | null, write: (w: this, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }

  /** An empty tagged-field section (we send no tagged fields). */
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private push(b: Buffer): this {
    this.chunks.push(b);
    return this;
  }
}

/** Reads one response body; throws on truncated input rather than reading past the end. */
export class WireReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  int8(): number {
    this.need(1);
    const v = this.buf.readInt8(this.offset);
    this.offset += 1;
    return v;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uvarint(): number {
    let value = 0;
    let factor = 1;
    for (let i = 0; i < 5; i++) {
      const byte = this.uint8();
      value += (byte & 0x7f) * factor;
      if ((byte & 0x80) === 0) return value;
      factor *= 128;
    }
    throw new RangeError('uvarint longer than 5 bytes');
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new RangeError('unexpected null compact string');
    return s;
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    this.need(n - 1);
    const s = this.buf.toString('utf8', this.offset, this.offset + n - 1);
    this.offset += n - 1;
    return s;
  }

  compactArray<T>(read: (r: this) => T): T[] {
    const n = this.uvarint();
    const items: T[] = [];
    for (let i = 0; i < n - 1; i++) items.push(read(this));
    return items;
  }

  /** Skips a tagged-field section (we need none of the optional fields). */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size);
      this.offset += size;
    }
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private uint8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new RangeError(
        `truncated Kafka message: need ${n} bytes at ${this.offset} of ${this.buf.length}`,
      );
    }
  }
}

/** Request header v2 (flexible requests): api key, version, correlation id, client id, tags. */
export function requestHeaderV2(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string,
): Buffer {
  return new WireWriter()
    .int16(apiKey)
    .int16(apiVersion)
    .int32(correlationId)
    .nullableString(clientId)
    .emptyTaggedFields()
    .toBuffer();
}

/** A size-prefixed frame as sent on the wire. */
export function frame(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}
