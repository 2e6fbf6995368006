import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ResolvedServiceKitOptions } from './service-kit.config';

export const OPENAPI_PATH = 'docs';

/** OpenAPI 3 from the controllers' decorators: UI at /docs, JSON at /docs-json, bearer auth declared. */
export function setupOpenApi(app: INestApplication, opts: ResolvedServiceKitOptions): void {
  const config = new DocumentBuilder()
    .setTitle(opts.openApi.title)
    .setDescription(opts.openApi.description)
    .setVersion(opts.openApi.version)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'ES256 access token from POST /oauth/token (organisations service)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
    yamlDocumentUrl: `${OPENAPI_PATH}-yaml`,
  });
}
