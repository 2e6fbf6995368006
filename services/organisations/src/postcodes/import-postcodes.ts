/**
 * Imports a postcode directory into the organisations database (MONGO_URL):
 *   npm run postcodes:import -- <file.csv> [--format onspd|codepoint]
 * onspd (default): ONS Postcode Directory CSV with a header naming pcds, lat, long.
 * codepoint: one OS Code-Point Open CSV (no header; postcode, quality, eastings, northings, ...);
 *   run once per area file. Eastings/northings are converted to WGS84 (see domain/osgb.ts).
 * Streams the file in batches of 1,000; re-running it is safe (unchanged rows are not rewritten).
 */
import 'reflect-metadata';
import { connectMongo } from '@sp/persistence';
import { POSTCODE_FORMATS, type PostcodeFormat } from './domain/postcode-rows';
import { fileLines, importPostcodes } from './import-postcodes.use-case';
import { PostcodeRepository } from './postcode.repository';
import { loadServiceConfig } from '../service.config';

function parseArgs(argv: string[]): { file: string; format: PostcodeFormat } {
  let format: PostcodeFormat = 'onspd';
  let file: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--format') {
      const value = argv[(i += 1)];
      if (!POSTCODE_FORMATS.includes(value as PostcodeFormat))
        throw new Error(`--format must be one of ${POSTCODE_FORMATS.join(', ')}`);
      format = value as PostcodeFormat;
    } else if (arg.startsWith('--format=')) {
      const value = arg.slice('--format='.length);
      if (!POSTCODE_FORMATS.includes(value as PostcodeFormat))
        throw new Error(`--format must be one of ${POSTCODE_FORMATS.join(', ')}`);
      format = value as PostcodeFormat;
    } else file = arg;
  }
  if (!file) throw new Error('usage: npm run postcodes:import -- <file.csv> [--format onspd|codepoint]');
  return { file, format };
}

async function main(): Promise<void> {
  const { file, format } = parseArgs(process.argv.slice(2));
  const config = loadServiceConfig();
  const connection = await connectMongo(config.MONGO_URL);
  try {
    let lastLog = 0;
    const report = await importPostcodes(new PostcodeRepository(connection), fileLines(file), format, {
      source: format,
      onProgress: (r) => {
        if (r.rowsRead - lastLog >= 100_000) {
          lastLog = r.rowsRead;
          process.stderr.write(`postcodes: ${r.rowsRead} rows read\n`);
        }
      },
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`postcode import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
