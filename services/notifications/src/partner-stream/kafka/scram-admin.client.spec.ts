import net, { type AddressInfo } from 'node:net';
import { WireReader, WireWriter } from './kafka-wire';
import { ScramAdminClient, ScramAdminError } from './scram-admin.client';
import { ALTER_USER_SCRAM_CREDENTIALS, DESCRIBE_USER_SCRAM_CREDENTIALS } from './scram-credentials.protocol';

// The client's own logic against a scripted TCP peer that speaks the framing (the real broker is in
// test/partner-stream.int-spec.ts): one alteration per request, credentials looked up before
// deletion, per-user errors surfaced, a user without credentials treated as having none.

interface Seen {
  apiKey: number;
  body: Buffer;
}

type Answer = (request: Seen) => Buffer;

async function scriptedBroker(answer: Answer, opts: { wrongCorrelation?: boolean } = {}) {
  const seen: Seen[] = [];
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        const r = new WireReader(frame);
        const apiKey = r.int16();
        r.int16(); // version
        const correlationId = r.int32();
        const clientIdLength = r.int16();
        const body = frame.subarray(2 + 2 + 4 + 2 + clientIdLength + 1); // + empty tagged fields
        const request = { apiKey, body };
        seen.push(request);
        const payload = Buffer.concat([
          new WireWriter()
            .int32(opts.wrongCorrelation ? correlationId + 1 : correlationId)
            .emptyTaggedFields()
            .toBuffer(),
          answer(request),
        ]);
        const size = Buffer.alloc(4);
        size.writeInt32BE(payload.length);
        socket.write(Buffer.concat([size, payload]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    broker: `127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const alterOk = (users: string[], errorCode = 0, message: string | null = null) =>
  new WireWriter()
    .int32(0)
    .compactArray(users, (w, u) => {
      w.compactString(u).int16(errorCode);
      if (message === null) w.uvarint(0);
      else w.compactString(message);
      w.emptyTaggedFields();
    })
    .emptyTaggedFields()
    .toBuffer();

const describeAnswer = (user: string, errorCode: number, mechanisms: number[]) =>
  new WireWriter()
    .int32(0)
    .int16(0)
    .uvarint(0) // null message
    .compactArray([user], (w, u) =>
      w
        .compactString(u)
        .int16(errorCode)
        .uvarint(0)
        .compactArray(mechanisms, (ww, m) => ww.int8(m).int32(8192).emptyTaggedFields())
        .emptyTaggedFields(),
    )
    .emptyTaggedFields()
    .toBuffer();

describe('ScramAdminClient', () => {
  it('sends one AlterUserScramCredentials per mechanism (the broker refuses two alterations of a user in one request)', async () => {
    const fake = await scriptedBroker(() => alterOk(['u']));
    try {
      const client = new ScramAdminClient({ brokers: [fake.broker], clientId: 't', iterations: 4096 });
      await client.upsert('u', 'secret', ['SCRAM-SHA-512', 'SCRAM-SHA-256']);
      expect(fake.seen.map((s) => s.apiKey)).toEqual([
        ALTER_USER_SCRAM_CREDENTIALS,
        ALTER_USER_SCRAM_CREDENTIALS,
      ]);
      // Never the password itself on the wire: only the salted form.
      expect(fake.seen.some((s) => s.body.includes(Buffer.from('secret')))).toBe(false);
    } finally {
      await fake.close();
    }
  });

  it('surfaces a per-user error of the broker with its code and message', async () => {
    const fake = await scriptedBroker(() => alterOk(['u'], 93, 'Iterations too low'));
    try {
      const client = new ScramAdminClient({ brokers: [fake.broker], clientId: 't' });
      const error = await client.upsert('u', 'p', ['SCRAM-SHA-512']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScramAdminError);
      expect((error as ScramAdminError).message).toContain('error 93 Iterations too low');
      expect((error as ScramAdminError).results).toEqual([
        { user: 'u', errorCode: 93, errorMessage: 'Iterations too low' },
      ]);
    } finally {
      await fake.close();
    }
  });

  it('deletes only the mechanisms the user has, and a user without credentials is not an error', async () => {
    const fake = await scriptedBroker((req) =>
      req.apiKey === DESCRIBE_USER_SCRAM_CREDENTIALS ? describeAnswer('u', 0, [2]) : alterOk(['u']),
    );
    const none = await scriptedBroker(() => describeAnswer('v', 91, []));
    try {
      await new ScramAdminClient({ brokers: [fake.broker], clientId: 't' }).delete('u', [
        'SCRAM-SHA-512',
        'SCRAM-SHA-256',
      ]);
      expect(fake.seen.map((s) => s.apiKey)).toEqual([
        DESCRIBE_USER_SCRAM_CREDENTIALS,
        ALTER_USER_SCRAM_CREDENTIALS,
      ]);

      const client = new ScramAdminClient({ brokers: [none.broker], clientId: 't' });
      expect(await client.describe(['v'])).toEqual([
        { user: 'v', errorCode: 0, errorMessage: null, credentials: [] },
      ]);
      await client.delete('v', ['SCRAM-SHA-512']);
      expect(none.seen.map((s) => s.apiKey)).toEqual([
        DESCRIBE_USER_SCRAM_CREDENTIALS,
        DESCRIBE_USER_SCRAM_CREDENTIALS,
      ]);
    } finally {
      await fake.close();
      await none.close();
    }
  });

  it('refuses an answer to another request (correlation id mismatch) and tries the next broker', async () => {
    const confused = await scriptedBroker(() => describeAnswer('u', 0, []), { wrongCorrelation: true });
    const good = await scriptedBroker(() => describeAnswer('u', 0, [1]));
    try {
      const alone = new ScramAdminClient({ brokers: [confused.broker], clientId: 't' });
      await expect(alone.describe(['u'])).rejects.toThrow(/correlation id mismatch/);
      const both = new ScramAdminClient({ brokers: [confused.broker, good.broker], clientId: 't' });
      expect((await both.describe(['u']))[0]?.credentials).toEqual([
        { mechanism: 'SCRAM-SHA-256', iterations: 8192 },
      ]);
    } finally {
      await confused.close();
      await good.close();
    }
  });

  it('fails with a clear error when no broker answers', async () => {
    const client = new ScramAdminClient({ brokers: ['127.0.0.1:1'], clientId: 't', timeoutMs: 500 });
    await expect(client.describe(['u'])).rejects.toThrow();
  });
});
