import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@sp/identity';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import { signBoardSession, verifyBoardSession, type BoardSession } from '../domain/board-session';

/** Where the BullMQ dashboard is mounted, and the cookie that lets a browser in. */
export const BOARD_ROUTE = '/ops/queues';
export const BOARD_COOKIE = 'sp_ops_board';

/**
 * Short-lived, signed dashboard sessions for operators. bull-board's pages and API are plain
 * express routes a browser loads itself, so they cannot carry our bearer token; an operator trades
 * an ops token for a session (POST /v1/ops/queues/session) and the browser holds it as an
 * HttpOnly, SameSite=Strict cookie scoped to the dashboard's path.
 */
@Injectable()
export class BoardSessions {
  private readonly key: Buffer;
  readonly lifetimeSeconds: number;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.key =
      config.OPS_BOARD_SESSION_SECRET === ''
        ? randomBytes(32)
        : Buffer.from(config.OPS_BOARD_SESSION_SECRET, 'utf8');
    this.lifetimeSeconds = config.OPS_BOARD_SESSION_SECONDS;
  }

  /** A session for an ops principal; it ends with the token that opened it, if that is sooner. */
  open(
    principal: Principal,
    tokenExpiresAt?: number,
    now = Date.now(),
  ): { value: string; session: BoardSession } {
    const limit = Math.floor(now / 1000) + this.lifetimeSeconds;
    const session: BoardSession = {
      clientId: principal.clientId,
      organisationId: principal.organisationId,
      ...(principal.person ? { personSub: principal.person.sub } : {}),
      expiresAt: tokenExpiresAt === undefined ? limit : Math.min(limit, tokenExpiresAt),
    };
    return { value: signBoardSession(session, this.key), session };
  }

  verify(value: string, now = Date.now()): BoardSession | undefined {
    return verifyBoardSession(value, this.key, Math.floor(now / 1000));
  }

  cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
    return [
      `${BOARD_COOKIE}=${value}`,
      `Path=${BOARD_ROUTE}`,
      `Max-Age=${Math.max(0, maxAgeSeconds)}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(secure ? ['Secure'] : []),
    ].join('; ');
  }
}
