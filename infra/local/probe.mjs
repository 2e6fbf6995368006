// Dependency-free readiness probes used by platform.sh. They speak the real wire protocols, because
// "the port accepts TCP" is not "the server is usable", and node_modules may not be installed yet
// when the infrastructure starts (fresh clone, CI).
//
//   node infra/local/probe.mjs kafka 127.0.0.1 9092   -> exit 0 when a Metadata request lists >= 1
//                                                        broker and an active controller
//   node infra/local/probe.mjs mongo 127.0.0.1 27017  -> exit 0 when `hello` says this is the
//                                                        writable primary of a replica set
//                                                        (transactions and change streams need
//                                                        one) and `listDatabases` answers ok: 1
import { Buffer } from 'node:buffer';
import net from 'node:net';
import process from 'node:process';

const TIMEOUT_MS = 5000;

/** Sends one request and resolves with the first complete length-prefixed response. */
function roundTrip(host, port, request, frameLength) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (err) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(TIMEOUT_MS, () => fail(new Error(`timeout after ${TIMEOUT_MS} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const total = received.length >= 4 ? frameLength(received) : Infinity;
      if (received.length >= total) {
        socket.end();
        resolve(received.subarray(0, total));
      }
    });
    socket.on('end', () => fail(new Error('connection closed before a full response')));
  });
}

// ---------------------------------------------------------------------------------------------
// Kafka: Metadata v4 (non-flexible), all topics, no auto-creation.
function kafkaMetadataRequest() {
  const clientId = Buffer.from('sp-infra-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o); // api key: Metadata
  o = body.writeInt16BE(4, o); // api version
  o = body.writeInt32BE(1, o); // correlation id
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(-1, o); // topics: null => all
  body.writeInt8(0, o); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

async function probeKafka(host, port) {
  const res = await roundTrip(host, port, kafkaMetadataRequest(), (b) => 4 + b.readInt32BE(0));
  let o = 4 + 4; // size, correlation id
  o += 4; // throttle_time_ms
  const brokers = res.readInt32BE(o);
  o += 4;
  for (let i = 0; i < brokers; i++) {
    o += 4; // node id
    o += 2 + res.readInt16BE(o); // host
    o += 4; // port
    const rack = res.readInt16BE(o);
    o += 2 + Math.max(rack, 0);
  }
  const clusterId = res.readInt16BE(o);
  o += 2 + Math.max(clusterId, 0);
  const controllerId = res.readInt32BE(o);
  if (brokers < 1 || controllerId < 0) {
    throw new Error(`not ready: brokers=${brokers} controller=${controllerId}`);
  }
  return `brokers=${brokers} controller=${controllerId}`;
}

// ---------------------------------------------------------------------------------------------
// MongoDB wire protocol: OP_MSG with a minimal BSON encoder/decoder (top level only).
function bsonDocument(fields) {
  const parts = [];
  for (const [key, value] of fields) {
    const name = Buffer.concat([Buffer.from(key), Buffer.from([0])]);
    if (typeof value === 'number') {
      const v = Buffer.alloc(4);
      v.writeInt32LE(value);
      parts.push(Buffer.from([0x10]), name, v);
    } else if (typeof value === 'boolean') {
      parts.push(Buffer.from([0x08]), name, Buffer.from([value ? 1 : 0]));
    } else {
      const s = Buffer.from(`${value}\0`);
      const len = Buffer.alloc(4);
      len.writeInt32LE(s.length);
      parts.push(Buffer.from([0x02]), name, len, s);
    }
  }
  const content = Buffer.concat(parts);
  const head = Buffer.alloc(4);
  head.writeInt32LE(4 + content.length + 1);
  return Buffer.concat([head, content, Buffer.from([0])]);
}

function readTopLevel(doc) {
  const out = {};
  let o = 4;
  const fixed = { 0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16 };
  while (o < doc.length - 1) {
    const type = doc[o++];
    const end = doc.indexOf(0, o);
    const key = doc.toString('utf8', o, end);
    o = end + 1;
    if (type === 0x01) out[key] = doc.readDoubleLE(o);
    if (type === 0x10) out[key] = doc.readInt32LE(o);
    if (type === 0x12) out[key] = Number(doc.readBigInt64LE(o));
    if (type === 0x02) out[key] = doc.toString('utf8', o + 4, o + 4 + doc.readInt32LE(o) - 1);
    if (type === 0x08) out[key] = doc[o] === 1;
    if (type in fixed) o += fixed[type];
    else if (type === 0x02 || type === 0x0d || type === 0x0e) o += 4 + doc.readInt32LE(o);
    else if (type === 0x03 || type === 0x04) o += doc.readInt32LE(o);
    else if (type === 0x05) o += 4 + 1 + doc.readInt32LE(o);
    else throw new Error(`unsupported BSON type 0x${type.toString(16)} in reply`);
  }
  return out;
}

let requestId = 0;
async function mongoCommand(host, port, fields) {
  const doc = bsonDocument(fields);
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + doc.length, 0);
  header.writeInt32LE(++requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12); // OP_MSG
  header.writeUInt32LE(0, 16); // flag bits
  header.writeUInt8(0, 20); // section kind 0: body
  const res = await roundTrip(host, port, Buffer.concat([header, doc]), (b) => b.readInt32LE(0));
  if (res.readInt32LE(12) !== 2013 || res.readUInt8(20) !== 0) throw new Error('unexpected reply');
  const reply = readTopLevel(res.subarray(21));
  if (reply.ok !== 1) throw new Error(`command failed: ${reply.errmsg ?? JSON.stringify(reply)}`);
  return reply;
}

async function probeMongo(host, port) {
  const hello = await mongoCommand(host, port, [
    ['hello', 1],
    ['$db', 'admin'],
  ]);
  if (hello.isWritablePrimary !== true) throw new Error('not ready: not the writable primary yet');
  if (typeof hello.setName !== 'string') {
    throw new Error('not a replica set member: transactions and change streams would not work');
  }
  await mongoCommand(host, port, [
    ['listDatabases', 1],
    ['nameOnly', true],
    ['$db', 'admin'],
  ]);
  return `primary of replica set ${hello.setName}, maxWireVersion ${hello.maxWireVersion}`;
}

// ---------------------------------------------------------------------------------------------
const [kind, host = '127.0.0.1', portText] = process.argv.slice(2);
const probes = { kafka: probeKafka, mongo: probeMongo };
if (!(kind in probes) || !portText) {
  process.stderr.write('usage: node probe.mjs kafka|mongo <host> <port>\n');
  process.exit(2);
}
probes[kind](host, Number(portText)).then(
  (detail) => {
    process.stdout.write(`${detail}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`${kind} probe failed: ${err.message}\n`);
    process.exit(1);
  },
);
