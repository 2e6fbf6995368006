import { Body, Controller, Get, Header, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public, TokenIssuer } from '@sp/identity';
import { IssueTokenUseCase, type TokenResponse } from './issue-token.use-case';
import { OAuthErrorFilter } from './oauth-error.filter';
import { parseTokenRequest } from './token-request';

@ApiTags('identity')
@Controller()
export class TokenController {
  constructor(
    private readonly issueToken: IssueTokenUseCase,
    private readonly issuer: TokenIssuer,
  ) {}

  @Public()
  @Post('oauth/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseFilters(OAuthErrorFilter)
  @ApiOperation({
    summary: 'OAuth2 client credentials grant (RFC 6749 4.4)',
    description:
      'Form-encoded `grant_type=client_credentials` with client_id/client_secret in the body or HTTP Basic. Returns a short-lived ES256 JWT naming the client organisation (`org`) and role (`role`).',
  })
  async token(
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: Request,
  ): Promise<TokenResponse> {
    return this.issueToken.execute(parseTokenRequest(body ?? {}, request.headers.authorization));
  }

  @Public()
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify our access tokens (JWKS, RFC 7517)' })
  jwks(): { keys: unknown[] } {
    return this.issuer.jwks();
  }
}
