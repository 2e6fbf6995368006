import type { PartnerStreamRecord } from '../partner-stream.repository';

/** What an organisation sees of its stream (never a password: that is shown once, when set). */
export interface PartnerStreamView {
  status: 'active' | 'revoked';
  bootstrapServers: string[];
  mechanism: 'scram-sha-512';
  username: string;
  topic: string;
  groupPrefix: string;
  createdAt: string;
  passwordSetAt: string;
  revokedAt?: string;
}

/** Issued (or rotated) credentials: the view plus the password, returned once. */
export interface PartnerCredentialsView extends PartnerStreamView {
  password: string;
}

export function partnerStreamView(
  record: PartnerStreamRecord,
  bootstrapServers: string[],
): PartnerStreamView {
  return {
    status: record.status,
    bootstrapServers,
    mechanism: record.mechanism,
    username: record.username,
    topic: record.topic,
    groupPrefix: record.groupPrefix,
    createdAt: record.createdAt.toISOString(),
    passwordSetAt: record.passwordSetAt.toISOString(),
    ...(record.revokedAt ? { revokedAt: record.revokedAt.toISOString() } : {}),
  };
}
