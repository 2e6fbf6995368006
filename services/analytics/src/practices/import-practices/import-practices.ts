/**
 * Imports NHS Digital "Patients Registered at a GP Practice" files into the analytics database
 * (MONGO_URL), for the practice registry (commissioner areas, equity population denominators):
 *   npm run analytics:import-practices -- <directory or files...>
 * Reads gp-reg-pat-prac-map*.csv, gp-reg-pat-prac-sing-age-female*.csv and
 * gp-reg-pat-prac-sing-age-male*.csv (other files in a directory are ignored); prints a JSON report.
 * Re-runnable: unchanged practices are not rewritten.
 */
import 'reflect-metadata';
import { connectMongo } from '@sp/persistence';
import { loadServiceConfig } from '../../service.config';
import { PracticeRepository } from '../practice.repository';
import { gpRegistrationFiles, importPractices } from './import-practices.use-case';

async function main(): Promise<void> {
  const paths = process.argv.slice(2).filter((a) => a !== '--');
  if (paths.length === 0)
    throw new Error('usage: npm run analytics:import-practices -- <directory or files...>');
  const { files, ignored } = await gpRegistrationFiles(paths);
  const config = loadServiceConfig();
  const connection = await connectMongo(config.MONGO_URL);
  try {
    const repository = new PracticeRepository(connection);
    await repository.onModuleInit();
    const report = await importPractices(repository, files, ignored);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`practice import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
