import { WireReader } from './kafka-wire';
import {
  decodeAlterScramResponse,
  decodeDescribeScramResponse,
  encodeAlterScramRequest,
  encodeDescribeScramRequest,
  readResponseHeaderV1,
} from './scram-credentials.protocol';

// Expected bytes written out by hand from the KIP-554 message definitions
// (AlterUserScramCredentialsRequest/Response.json, DescribeUserScramCredentialsRequest/Response.json,
// version 0, flexible). The integration test (partner-stream.int-spec.ts) runs them on Kafka 3.9.1.
const HEADER_51 = '0033' + '0000' + '00000007' + '00026162' + '00'; // key 51, v0, corr 7, "ab", no tags
const HEADER_50 = '0032' + '0000' + '00000007' + '00026162' + '00';

describe('SCRAM credential requests (KIP-554)', () => {
  it('encodes AlterUserScramCredentials v0: deletions, then upsertions with salt and salted password', () => {
    const request = encodeAlterScramRequest(7, 'ab', {
      deletions: [{ name: 'u', mechanism: 'SCRAM-SHA-512' }],
      upsertions: [
        {
          name: 'u',
          mechanism: 'SCRAM-SHA-256',
          iterations: 4096,
          salt: Buffer.from([0xaa, 0xbb]),
          saltedPassword: Buffer.from([0xcc]),
        },
      ],
    });
    expect(request.toString('hex')).toBe(
      HEADER_51 +
        '02' +
        '0275' +
        '02' +
        '00' + // deletions: [ {name "u", mechanism 2 (SHA-512), no tags} ]
        '02' +
        '0275' +
        '01' +
        '00001000' +
        '03aabb' +
        '02cc' +
        '00' + // upsertions: [ {u, 1, 4096, salt, salted} ]
        '00', // no tags
    );
  });

  it('encodes DescribeUserScramCredentials v0 for some users, and for all users (null array)', () => {
    expect(encodeDescribeScramRequest(7, 'ab', ['u']).toString('hex')).toBe(
      HEADER_50 + '02' + '0275' + '00' + '00',
    );
    expect(encodeDescribeScramRequest(7, 'ab', null).toString('hex')).toBe(HEADER_50 + '00' + '00');
  });

  it('decodes an AlterUserScramCredentials response with a per-user error', () => {
    const bytes = Buffer.from(
      '00000007' +
        '00' + // response header v1
        '00000000' + // throttle
        '02' +
        '0275' +
        '005d' +
        '04626164' +
        '00' + // [ {user "u", error 93, message "bad"} ]
        '00',
      'hex',
    );
    const { correlationId, body } = readResponseHeaderV1(bytes);
    expect(correlationId).toBe(7);
    expect(decodeAlterScramResponse(body)).toEqual([{ user: 'u', errorCode: 93, errorMessage: 'bad' }]);
    expect(body.remaining).toBe(0);
  });

  it('decodes a DescribeUserScramCredentials response (mechanisms and iterations, never secrets)', () => {
    const body = new WireReader(
      Buffer.from(
        '00000000' +
          '0000' +
          '00' + // throttle, no error, null message
          '02' +
          '0275' +
          '0000' +
          '00' + // [ {user "u", no error, null message,
          '03' +
          '02' +
          '00002000' +
          '00' +
          '01' +
          '00001000' +
          '00' + //   credentials [ {2, 8192}, {1, 4096} ]
          '00' + // } ]
          '00',
        'hex',
      ),
    );
    expect(decodeDescribeScramResponse(body)).toEqual({
      errorCode: 0,
      errorMessage: null,
      results: [
        {
          user: 'u',
          errorCode: 0,
          errorMessage: null,
          credentials: [
            { mechanism: 'SCRAM-SHA-512', iterations: 8192 },
            { mechanism: 'SCRAM-SHA-256', iterations: 4096 },
          ],
        },
      ],
    });
  });
});
