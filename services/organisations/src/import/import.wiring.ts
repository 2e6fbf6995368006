import type { Provider, Type } from '@nestjs/common';
import { ImportRepository } from './import.repository';
import { ImportsController } from './imports.controller';
import { StartImportUseCase } from './start-import.use-case';

export { IMPORT_STREAMED_ROUTES } from './imports.controller';

/**
 * Bulk HSDS import, for the organisations app module: add these controllers and providers (they
 * need HSDS_STORE and MONGO_CONNECTION), and pass `streamedBodyRoutes: IMPORT_STREAMED_ROUTES` to
 * ServiceKitModule.forRoot so uploads larger than the JSON body limit reach the controller as a
 * stream.
 */
export const importControllers: Type<unknown>[] = [ImportsController];
export const importProviders: Provider[] = [ImportRepository, StartImportUseCase];
