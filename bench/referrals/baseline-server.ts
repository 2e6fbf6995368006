// The bare baseline of the referrals benchmark, run as its own process (like the service): a
// minimal node:http handler that reads the JSON body, parses it, does one insertOne through the
// mongodb driver into the same MongoDB-wire server as the service and answers 201 with the new id. No framework, no validation, no
// auth, no outbox, no logging: what the same machine can do for "store one posted document".
// Env: MONGO_URL (database in the path), BASELINE_COLLECTION, PORT. Prints "listening <port>".
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { MongoClient } from 'mongodb';

async function main(): Promise<void> {
  const mongoUrl = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/bench_baseline?retryWrites=false';
  const port = Number(process.env['PORT'] ?? 0);
  // The same pool size the services use.
  const client = new MongoClient(mongoUrl, { maxPoolSize: 10 });
  await client.connect();
  const collection = client.db().collection(process.env['BASELINE_COLLECTION'] ?? 'baseline_referrals');

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const id = randomUUID();
      collection.insertOne({ ...doc, _id: id as never, createdAt: new Date() }).then(
        () => {
          const body = JSON.stringify({ id });
          res.writeHead(201, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500).end(String(err));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
  });
  const stop = () => {
    server.close();
    void client.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
