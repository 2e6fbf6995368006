/**
 * Imports the deprivation table into the referrals database (MONGO_URL):
 *   npm run deprivation:import -- --postcodes <ONSPD.csv> --imd <File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv>
 * The ONS Postcode Directory CSV (header naming pcds and lsoa11) and the English Indices of
 * Deprivation 2019 File 1 as CSV. Prints a JSON report; re-running it is safe (docs/deprivation.md).
 */
import 'reflect-metadata';
import { connectMongo } from '@sp/persistence';
import { DeprivationRepository } from '../deprivation.repository';
import { csvFile, importDeprivation } from './import-deprivation.use-case';
import { loadServiceConfig } from '../../service.config';

const USAGE = 'usage: npm run deprivation:import -- --postcodes <ONSPD.csv> --imd <IMD2019 File_1.csv>';

export function parseArgs(argv: string[]): { postcodes: string; imd: string } {
  const found: Partial<Record<'postcodes' | 'imd', string>> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const match = /^--(postcodes|imd)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const value = match[2] ?? argv[(i += 1)];
    if (!value) throw new Error(`--${match[1]} needs a file\n${USAGE}`);
    found[match[1] as 'postcodes' | 'imd'] = value;
  }
  if (!found.postcodes || !found.imd) throw new Error(USAGE);
  return { postcodes: found.postcodes, imd: found.imd };
}

async function main(): Promise<void> {
  const files = parseArgs(process.argv.slice(2));
  const config = loadServiceConfig();
  const connection = await connectMongo(config.MONGO_URL);
  try {
    let lastLog = 0;
    const report = await importDeprivation(
      new DeprivationRepository(connection),
      { imd: csvFile(files.imd), postcodes: csvFile(files.postcodes) },
      {
        onProgress: (r) => {
          if (r.postcodes.rowsRead - lastLog >= 100_000) {
            lastLog = r.postcodes.rowsRead;
            process.stderr.write(`deprivation: ${r.postcodes.rowsRead} postcodes read\n`);
          }
        },
      },
    );
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `deprivation import failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
