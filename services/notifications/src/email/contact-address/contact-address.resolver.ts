import { Injectable } from '@nestjs/common';
import { NotificationPreferencesRepository } from '../../preferences/notification-preferences.repository';
import { OrganisationContactsRepository } from './organisation-contacts.repository';

/** Where an organisation's emails go: its preference override, else its directory contact email. */
@Injectable()
export class ContactAddressResolver {
  constructor(
    private readonly preferences: NotificationPreferencesRepository,
    private readonly contacts: OrganisationContactsRepository,
  ) {}

  async addressOf(organisationId: string): Promise<string | undefined> {
    const preferences = await this.preferences.forOrganisation(organisationId);
    return preferences.email.address ?? (await this.contacts.emailOf(organisationId));
  }
}
