import type { ServerResponse } from 'node:http';
import { Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { decodeJwt } from 'jose';
import { BOARD_ROUTE, BoardSessions } from './board-sessions';

/**
 * An operator opens the BullMQ dashboard in a browser: trade an ops token for a short-lived
 * session. The answer sets the session cookie (for a client that keeps cookies) and gives a link
 * that sets it in a browser: open `url` once; the link stops working when the session ends.
 */
@ApiTags('ops')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'The caller does not have the ops role' })
@Roles('ops')
@Controller('v1/ops/queues/session')
export class BoardSessionController {
  constructor(private readonly sessions: BoardSessions) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a BullMQ dashboard session (cookie and a one-time link to /ops/queues)' })
  open(
    @CurrentPrincipal() principal: Principal,
    @Headers('authorization') authorization: string,
    @Res({ passthrough: true }) res: ServerResponse,
  ): { url: string; expiresAt: string } {
    const { value, session } = this.sessions.open(principal, tokenExpiry(authorization));
    res.setHeader(
      'Set-Cookie',
      this.sessions.cookie(value, session.expiresAt - Math.floor(Date.now() / 1000), false),
    );
    return {
      url: `${BOARD_ROUTE}?session=${value}`,
      expiresAt: new Date(session.expiresAt * 1000).toISOString(),
    };
  }
}

/** The verified token's `exp` (the guard checked it already; this only reads it). */
function tokenExpiry(authorization: string): number | undefined {
  try {
    const exp = decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
