import { Module } from '@nestjs/common';
import { PracticeRegistry } from './practice-registry';
import { PracticeRepository } from './practice.repository';

/**
 * Practices: the registry of GP practices imported from NHS Digital's "Patients Registered at a
 * GP Practice" (npm run analytics:import-practices). Exports PracticeRegistry only.
 */
@Module({
  providers: [PracticeRepository, PracticeRegistry],
  exports: [PracticeRegistry],
})
export class PracticesModule {}
