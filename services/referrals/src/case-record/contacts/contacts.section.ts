import type { CaseRecordSection } from '../read-case-record/case-record-section';
import { toContactView, type CaseContactView } from './contact.view';
import type { ContactRepository } from './contact.repository';

/** `contacts` in the whole-record read. */
export class ContactsSection implements CaseRecordSection {
  readonly name = 'contacts';
  constructor(private readonly contacts: Pick<ContactRepository, 'forReferral'>) {}

  async forReferral(referralId: string): Promise<CaseContactView[]> {
    return (await this.contacts.forReferral(referralId)).map(toContactView);
  }
}
