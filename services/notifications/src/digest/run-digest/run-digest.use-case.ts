import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { OrganisationMailer } from '../../email/organisation-mailer';
import { NotificationPreferencesRepository } from '../../preferences/notification-preferences.repository';
import type { ServiceConfig } from '../../service.config';
import { DigestReferralsRepository } from '../digest-referrals.repository';
import { digestContent, digestPersonalisation, isEmpty, londonDay } from '../domain/digest-content';

export interface DigestRunResult {
  /** Organisations with the daily digest. */
  organisations: number;
  /** Digests queued (one per organisation per London day). */
  queued: number;
  /** Organisations with nothing waiting: no digest. */
  nothingToSend: number;
  /** No contact address (ledger: suppressed, no-address). */
  suppressed: number;
}

const DAY_MS = 24 * 3600_000;

/**
 * Sends the daily digest: for each organisation that chose it, one email listing the referrals
 * addressed to it that are new, waiting or overdue. One per organisation per London day (the
 * idempotency key), so a second run the same day, or a retried job, sends nothing more. An
 * organisation with nothing waiting gets no email.
 */
@Injectable()
export class RunDigestUseCase {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<ServiceConfig, 'PORTAL_BASE_URL'>,
    private readonly preferences: NotificationPreferencesRepository,
    private readonly referrals: DigestReferralsRepository,
    private readonly mailer: OrganisationMailer,
  ) {}

  async execute(at: Date, only?: string): Promise<DigestRunResult> {
    const chosen = await this.preferences.withDailyDigest();
    const organisations = only === undefined ? chosen : chosen.filter((id) => id === only);
    const result: DigestRunResult = {
      organisations: organisations.length,
      queued: 0,
      nothingToSend: 0,
      suppressed: 0,
    };
    const day = londonDay(at);
    for (const organisationId of organisations) {
      const since = (await this.referrals.lastSentAt(organisationId)) ?? new Date(at.getTime() - DAY_MS);
      const content = digestContent(await this.referrals.openFor(organisationId), since);
      if (isEmpty(content)) {
        result.nothingToSend += 1;
        continue;
      }
      const key = `digest:${organisationId}:${day}`;
      const outcome = await this.mailer.sendToOrganisation({
        organisationId,
        template: 'daily-digest',
        personalisation: digestPersonalisation(
          content,
          at,
          `${this.config.PORTAL_BASE_URL.replace(/\/+$/, '')}/v1/referrals`,
        ),
        idempotencyKey: key,
        noticeId: key,
        kind: 'digest.daily',
        ledgerChannel: 'digest',
      });
      if (outcome === 'queued') {
        result.queued += 1;
        await this.referrals.recordSent(organisationId, at);
      } else {
        result.suppressed += 1;
      }
    }
    return result;
  }
}
