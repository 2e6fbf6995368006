// Writes docs/asyncapi.yaml from the contracts library (`npm run asyncapi`), or with `--check`
// (`npm run asyncapi:check`, run in CI) fails when the committed file is stale or invalid.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from '../src/asyncapi/build-asyncapi-document';
import { validateAsyncApiDocument } from '../src/asyncapi/asyncapi-validator';
import { contractRegistry } from '../src/platform-contracts';

const OUTPUT = resolve(__dirname, '../../../docs/asyncapi.yaml');
const HEADER = '# Generated from libs/contracts by `npm run asyncapi`. Do not edit by hand.\n';

function render(): string {
  const doc = buildAsyncApiDocument(contractRegistry);
  const result = validateAsyncApiDocument(doc);
  if (!result.valid) {
    fail(
      `The generated AsyncAPI document is invalid against the AsyncAPI 3.0.0 schema:\n  ${result.errors.join('\n  ')}`,
    );
  }
  return HEADER + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const expected = render();
if (process.argv.includes('--check')) {
  if (!existsSync(OUTPUT)) fail('docs/asyncapi.yaml is missing: run npm run asyncapi');
  if (readFileSync(OUTPUT, 'utf8') !== expected) fail('docs/asyncapi.yaml is stale: run npm run asyncapi');
  console.log('docs/asyncapi.yaml is up to date and valid AsyncAPI 3.0.0');
} else {
  writeFileSync(OUTPUT, expected);
  console.log(`Wrote ${OUTPUT} (valid AsyncAPI 3.0.0)`);
}
