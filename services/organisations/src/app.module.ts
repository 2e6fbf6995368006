import { Module } from '@nestjs/common';
import { MongoModule } from '@sp/persistence';
import {
  ERROR_RENDERERS,
  MongoReadiness,
  OutboxRelayModule,
  SERVICE_CONFIG,
  ServiceKitModule,
} from '@sp/service-kit';
import { ApiClientRepository } from './api-clients/api-client.repository';
import { DirectoryManagementController } from './directory/directory-management.controller';
import { DirectoryManagement } from './directory/directory-management.use-case';
import { OrganisationsController } from './directory/organisations.controller';
import { fhirErrorRenderer } from './fhir/fhir-error.renderer';
import { FhirController } from './fhir/fhir.controller';
import { HsdsController } from './hsds/hsds.controller';
import { hsdsProviders } from './hsds/hsds.providers';
import { IMPORT_STREAMED_ROUTES, importControllers, importProviders } from './import/import.wiring';
import { IssueTokenUseCase } from './oauth/issue-token.use-case';
import { TokenController } from './oauth/token.controller';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';
import { SIGNALS_OUTBOX_COLLECTIONS, signalsControllers, signalsProviders } from './signals/signals.wiring';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';
import { tokenIssuerProvider } from './signing-keys/token-issuer.provider';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      name: 'organisations',
      configSchema: ServiceConfigSchema,
      streamedBodyRoutes: IMPORT_STREAMED_ROUTES,
      openApi: {
        title: 'Organisations service',
        description:
          'Directory on Open Referral HSDS 3.0 (read API under /hsds, management under /v1/directory, FHIR R4 facade under /fhir), OAuth2 client-credentials token endpoint and JWKS.',
      },
    }),
    MongoModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useUrl: (config: ServiceConfig) => config.MONGO_URL,
    }),
    // Directory events live in organizations and services; trust and capacity events in the
    // signals' collections (assurance, service_capacity).
    OutboxRelayModule.forRoot({ collections: ['organizations', 'services', ...SIGNALS_OUTBOX_COLLECTIONS] }),
  ],
  controllers: [
    TokenController,
    OrganisationsController,
    HsdsController,
    DirectoryManagementController,
    FhirController,
    ...importControllers,
    ...signalsControllers,
  ],
  providers: [
    MongoReadiness,
    ApiClientRepository,
    SigningKeyRepository,
    tokenIssuerProvider,
    IssueTokenUseCase,
    ...hsdsProviders,
    DirectoryManagement,
    { provide: ERROR_RENDERERS, useValue: [fhirErrorRenderer] },
    ...importProviders,
    ...signalsProviders,
  ],
})
export class AppModule {}
