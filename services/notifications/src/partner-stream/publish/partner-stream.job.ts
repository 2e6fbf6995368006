import type { OrganisationNotice } from '../../dispatch/organisation-notice';

/** One notice to produce to one organisation's partner topic (ids and codes only). */
export interface PartnerStreamJobData {
  notice: OrganisationNotice;
  topic: string;
}

export const PARTNER_STREAM_JOB_NAME = 'produce-partner-event';

/** One job per notice (the notice id names the organisation, and so the topic). BullMQ ids may not hold ':'. */
export function partnerStreamJobId(noticeId: string): string {
  return `ps-${noticeId.replace(/:/g, '_')}`;
}
