import { Injectable } from '@nestjs/common';
import { ValidationError } from '@sp/errors';
import {
  preferenceProblems,
  type NotificationPreferences,
  type StoredPreferences,
} from '../domain/notification-preferences';
import { NotificationPreferencesRepository } from '../notification-preferences.repository';
import type { UpdatePreferencesBody } from './update-preferences.request';

/** Replaces an organisation's preferences when every rule holds; otherwise changes nothing (422 naming each problem). */
@Injectable()
export class UpdatePreferencesUseCase {
  constructor(private readonly preferences: Pick<NotificationPreferencesRepository, 'replace'>) {}

  async execute(
    organisationId: string,
    body: UpdatePreferencesBody,
    updatedBy: string,
  ): Promise<NotificationPreferences> {
    const stored: StoredPreferences = {
      ...(body.email
        ? {
            email: {
              ...(body.email.address ? { address: body.email.address } : {}),
              ...(body.email.kinds ? { kinds: body.email.kinds } : {}),
              ...(body.email.digest ? { digest: body.email.digest } : {}),
            },
          }
        : {}),
      ...(body.patientSms && body.patientSms.quietHours !== undefined
        ? { patientSms: { quietHours: body.patientSms.quietHours } }
        : {}),
    };
    const problems = preferenceProblems(stored);
    if (problems.length > 0) {
      throw new ValidationError('The preferences break the rules', problems, { status: 422 });
    }
    return this.preferences.replace(organisationId, stored, updatedBy);
  }
}
