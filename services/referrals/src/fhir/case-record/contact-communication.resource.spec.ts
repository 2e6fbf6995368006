import type { CaseContactDocument } from '../../case-record/contacts/contact.entity';
import { CONTACT_CATEGORY, toContactCommunication } from './contact-communication.resource';

const at = new Date('2026-11-04T10:00:00Z');
const contact = (extra: Partial<CaseContactDocument> = {}): CaseContactDocument => ({
  _id: 'c-1',
  referralId: 'r-1',
  organisationId: 'org-lw',
  author: { clientId: 'portal', organisationId: 'org-lw', person: { sub: 'w-1', name: 'Sam Worker' } },
  at,
  method: 'phone',
  outcome: 'reached',
  summary: 'Talked about the garden',
  createdAt: at,
  updatedAt: new Date('2026-11-05T09:00:00Z'),
  version: 2,
  ...extra,
});
const referral = { _id: 'r-1', patientKey: 'k'.repeat(64) };

describe('toContactCommunication', () => {
  it('a reached contact is completed, with medium, sender the person, subject the patient, the summary as payload', () => {
    expect(toContactCommunication(contact(), referral)).toMatchObject({
      resourceType: 'Communication',
      id: 'c-1',
      meta: { versionId: '2', lastUpdated: '2026-11-05T09:00:00.000Z' },
      status: 'completed',
      basedOn: [{ reference: 'ServiceRequest/r-1' }],
      partOf: [{ reference: 'Task/r-1' }],
      category: [{ coding: [CONTACT_CATEGORY] }],
      medium: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'PHONE' },
            expect.objectContaining({ code: 'phone' }),
          ],
        },
      ],
      subject: { reference: `Patient/${'k'.repeat(64)}` },
      recipient: [{ reference: `Patient/${'k'.repeat(64)}` }],
      sent: at.toISOString(),
      sender: { identifier: { value: 'w-1' }, display: 'Sam Worker' },
      payload: [{ contentString: 'Talked about the garden' }],
    });
    expect(toContactCommunication(contact(), referral)).not.toHaveProperty('statusReason');
  });

  it('an unsuccessful attempt is not-done with the outcome as statusReason; the narrative holds no free text', () => {
    const c = toContactCommunication(contact({ outcome: 'no-answer', method: 'text' }), referral);
    expect(c.status).toBe('not-done');
    expect(c.statusReason?.coding?.[0]).toMatchObject({ code: 'no-answer' });
    expect(c.medium?.[0]?.coding).toEqual([expect.objectContaining({ code: 'text' })]);
    expect(c.text?.div).not.toContain('garden');
  });

  it('after redaction there is no payload; a contact by an API client names the organisation', () => {
    const c = toContactCommunication(
      contact({ summary: undefined, author: { clientId: 'lw', organisationId: 'org-lw' } }),
      referral,
    );
    expect(c).not.toHaveProperty('payload');
    expect(c.sender).toEqual({ identifier: expect.objectContaining({ value: 'org-lw' }) });
  });
});
