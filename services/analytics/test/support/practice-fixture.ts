// The practice fixture (synthetic figures in NHS Digital's "Patients Registered at a GP Practice"
// format, infra/local/data/gp-registrations/) imported into an instance's database with the
// import the CLI runs (npm run analytics:import-practices).
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  gpRegistrationFiles,
  importPractices,
} from '../../src/practices/import-practices/import-practices.use-case';
import { PracticeRepository } from '../../src/practices/practice.repository';

export const PRACTICE_FIXTURE_DIR = resolve(__dirname, '../../../../infra/local/data/gp-registrations');

export async function importPracticeFixture(app: INestApplication): Promise<void> {
  const { files, ignored } = await gpRegistrationFiles([PRACTICE_FIXTURE_DIR]);
  await importPractices(app.get(PracticeRepository, { strict: false }), files, ignored);
}
