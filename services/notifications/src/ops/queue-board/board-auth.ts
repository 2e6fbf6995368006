import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes } from '@sp/errors';
import { TokenVerifier } from '@sp/identity';
import { CORRELATION_HEADER, sendProblem, toProblem } from '@sp/service-kit';
import { cookieValue } from '../domain/board-session';
import { BOARD_COOKIE, BOARD_ROUTE, BoardSessions } from './board-sessions';

type Next = (err?: unknown) => void;
type Request = IncomingMessage & { originalUrl?: string; secure?: boolean };

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;

/**
 * Guards the BullMQ dashboard (plain express routes, outside Nest's guards): ops only, through a
 * dashboard session (cookie, or the one-time `?session=` link that sets it) or a bearer token with
 * the ops role. Anything else is a 401/403 problem document, and the dashboard is never reached.
 */
@Injectable()
export class BoardAuth {
  constructor(
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    private readonly sessions: BoardSessions,
  ) {}

  readonly middleware = (req: Request, res: ServerResponse, next: Next): void => {
    this.check(req, res).then(
      (pass) => (pass ? next() : undefined),
      (err: unknown) => this.refuse(req, res, err),
    );
  };

  private async check(req: Request, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.originalUrl ?? req.url ?? '/', 'http://board.local');
    const link = url.searchParams.get('session');
    if (link !== null) {
      // The session link: set the cookie, then load the dashboard without the secret in the URL.
      const session = this.sessions.verify(link);
      if (!session) throw unauthenticated('The dashboard session link is invalid or has expired');
      res.setHeader(
        'Set-Cookie',
        this.sessions.cookie(link, session.expiresAt - Math.floor(Date.now() / 1000), req.secure === true),
      );
      url.searchParams.delete('session');
      res.statusCode = 303;
      res.setHeader('Location', `${url.pathname}${url.search}`);
      res.end();
      return false;
    }
    const cookie = cookieValue(header(req, 'cookie'), BOARD_COOKIE);
    if (cookie !== undefined && this.sessions.verify(cookie)) return true;

    const authorization = header(req, 'authorization');
    const bearer = authorization === undefined ? null : BEARER.exec(authorization.trim());
    if (!bearer?.[1]) {
      throw unauthenticated(
        cookie === undefined
          ? `Operators only: open a session with POST /v1/ops/queues/session (ops token), or send an ops bearer token`
          : 'The dashboard session has expired; open a new one with POST /v1/ops/queues/session',
      );
    }
    const principal = await this.verifier.verify(bearer[1]);
    if (principal.role !== 'ops') {
      throw new DomainError(ErrorCodes.AUTH_FORBIDDEN, 'This operation needs one of the roles: ops', {
        status: 403,
      });
    }
    return true;
  }

  private refuse(req: Request, res: ServerResponse, err: unknown): void {
    const correlation = header(req, CORRELATION_HEADER);
    const { document } = toProblem(err, {
      instance: BOARD_ROUTE,
      ...(correlation ? { correlationId: correlation } : {}),
    });
    sendProblem(res, document.status >= 500 ? { ...document, status: 401 } : document);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unauthenticated(message: string): DomainError {
  return new DomainError(ErrorCodes.AUTH_UNAUTHENTICATED, message, { status: 401 });
}
