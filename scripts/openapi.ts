/**
 * `npm run openapi`: writes docs/openapi.json from the zod schemas that validate requests
 * (api/openapi/document.ts). The file is committed so the API can be read without running anything;
 * test/unit/http/openapi.test.ts fails when it falls behind the schemas.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '#api/openapi/document.js';

export const openApiFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'openapi.json');

/** The file's exact text: 2-space indent and a final newline, so diffs stay line-by-line. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

// Writes only when run, so the test can import renderOpenApi without touching docs/.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(openApiFile, renderOpenApi());
  console.log(`Wrote ${path.relative(process.cwd(), openApiFile)}`);
}
