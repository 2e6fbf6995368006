import { Module } from '@nestjs/common';
import { MongoModule } from '@sp/persistence';
import { MongoReadiness, OutboxRelayModule, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
import { ApiClientRepository } from './api-clients/api-client.repository';
import { DirectoryRepository } from './directory/directory.repository';
import { OrganisationsController } from './directory/organisations.controller';
import { IssueTokenUseCase } from './oauth/issue-token.use-case';
import { TokenController } from './oauth/token.controller';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';
import { tokenIssuerProvider } from './signing-keys/token-issuer.provider';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      name: 'organisations',
      configSchema: ServiceConfigSchema,
      openApi: {
        title: 'Organisations service',
        description:
          'Directory of organisations and services, OAuth2 client-credentials token endpoint and JWKS.',
      },
    }),
    MongoModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useUrl: (config: ServiceConfig) => config.MONGO_URL,
    }),
    OutboxRelayModule.forRoot({ collections: ['organisations', 'services'] }),
  ],
  controllers: [TokenController, OrganisationsController],
  providers: [
    MongoReadiness,
    DirectoryRepository,
    ApiClientRepository,
    SigningKeyRepository,
    tokenIssuerProvider,
    IssueTokenUseCase,
  ],
})
export class AppModule {}
