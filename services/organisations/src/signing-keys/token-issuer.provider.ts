import type { Provider } from '@nestjs/common';
import type { JWK } from 'jose';
import { TokenIssuer } from '@sp/identity';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import { SigningKeyRepository } from './signing-key.repository';

/** The issuer signs with the configured key, or with the database-kept development key. */
export const tokenIssuerProvider: Provider = {
  provide: TokenIssuer,
  inject: [SERVICE_CONFIG, SigningKeyRepository],
  useFactory: async (config: ServiceConfig, keys: SigningKeyRepository): Promise<TokenIssuer> => {
    const privateJwk: JWK = config.TOKEN_SIGNING_JWK
      ? (JSON.parse(config.TOKEN_SIGNING_JWK) as JWK)
      : await keys.loadOrCreate(async () => (await TokenIssuer.generateKeyPair()).privateJwk);
    return new TokenIssuer({
      privateJwk,
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      ttlSeconds: config.TOKEN_TTL_SECONDS,
    });
  },
};
