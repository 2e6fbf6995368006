import { SDOHCC_TEMPORARY_CODES_SYSTEM } from '@sp/contracts';
import { DO_NOT_CONTACT_CODE, ODS_CODE_SYSTEM, ORDER_DETAIL_SYSTEM } from '../fhir.constants';
import { Problems } from '../fhir-json';
import type { Located, Scope } from './references';
import { parentOf, readDoNotContact, readPerformer, readRequesterOds } from './service-request.reader';

const path = 'ServiceRequest';
const none: Scope = { resolve: () => undefined, patients: [] };

describe('ServiceRequest field readers', () => {
  it("reads do-not-contact as our order detail or Gravity's contacting-subject-prohibited", () => {
    const problems = new Problems();
    const with_ = (system: string, code: string) => ({ orderDetail: [{ coding: [{ system, code }] }] });
    expect(readDoNotContact(with_(ORDER_DETAIL_SYSTEM, DO_NOT_CONTACT_CODE), path, problems)).toBe(true);
    expect(
      readDoNotContact(with_(SDOHCC_TEMPORARY_CODES_SYSTEM, 'contacting-subject-prohibited'), path, problems),
    ).toBe(true);
    expect(readDoNotContact(with_(SDOHCC_TEMPORARY_CODES_SYSTEM, 'make-contact'), path, problems)).toBe(
      false,
    );
    expect(readDoNotContact({}, path, problems)).toBe(false);
  });

  it('reads the requester by ODS code, directly or through an Organization sent', () => {
    const org: Located = {
      resource: { resourceType: 'Organization', identifier: [{ system: ODS_CODE_SYSTEM, value: 'A81001' }] },
      path: 'Bundle.entry[4].resource',
    };
    const scope: Scope = { resolve: (r) => (r === 'urn:uuid:o' ? org : undefined), patients: [] };
    const problems = new Problems();
    expect(
      readRequesterOds({ identifier: { system: ODS_CODE_SYSTEM, value: 'A81002' } }, 'R', scope, problems),
    ).toBe('A81002');
    expect(readRequesterOds({ reference: 'urn:uuid:o' }, 'R', scope, problems)).toBe('A81001');
    expect(readRequesterOds({ display: 'Dr Who' }, 'R', scope, problems)).toBeUndefined();
    expect(problems.list.map((p) => p.field)).toEqual(['R']);
  });

  it('reads one directory service as performer; none is an open referral', () => {
    const problems = new Problems();
    expect(
      readPerformer({ performer: [{ reference: 'HealthcareService/svc-1' }] }, path, none, problems),
    ).toEqual({
      serviceId: 'svc-1',
      invalid: false,
    });
    expect(readPerformer({}, path, none, problems)).toEqual({ invalid: false });
    expect(readPerformer({ performer: [{}, {}] }, path, none, problems)).toEqual({ invalid: true });
    expect(problems.list.map((p) => p.field)).toEqual([`${path}.performer`]);
  });

  it('reads basedOn as the parent of an onward referral', () => {
    const problems = new Problems();
    expect(parentOf({ basedOn: [{ reference: 'ServiceRequest/p-1' }] }, path, problems)).toBe('p-1');
    expect(parentOf({}, path, problems)).toBeUndefined();
    expect(parentOf({ basedOn: [{ reference: 'CarePlan/x' }] }, path, problems)).toBe('');
    expect(problems.list.map((p) => p.field)).toEqual([`${path}.basedOn`]);
  });
});
