// Shared set-up of the inbox and ops integration specs: a notifications instance
// (support/notifications-instance.ts) with no Kafka consumer (these specs drive the inbox and the
// queues directly), also trusting the people of the local OpenID Connect provider.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Role } from '@sp/identity';
import { localOidcIssuersEnv } from '@sp/testing';
import { runName, startNotificationsInstance } from './notifications-instance';

export interface OpsWorld {
  run: string;
  app: INestApplication;
  url: string;
  token(role: Role, organisationId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOpsWorld(label: string, env: Record<string, string> = {}): Promise<OpsWorld> {
  const instance = await startNotificationsInstance(runName(label), {
    topics: [],
    env: { OIDC_ISSUERS: localOidcIssuersEnv(), ...env },
  });
  return {
    run: instance.run,
    app: instance.app,
    url: instance.url,
    token: (role, organisationId = randomUUID()) => instance.token({ role, organisationId }),
    close: () => instance.close(),
  };
}
