import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSdkTypes, typesFile } from '../../../sdk/scripts/generate-types.js';

describe('SDK types', () => {
  it('sdk/src/openapi.ts is what openapi-typescript makes of docs/openapi.json (run `npm run sdk:types` when this fails)', async () => {
    expect(fs.readFileSync(typesFile, 'utf8')).toBe(await renderSdkTypes());
    // Rendering is pure CPU (1.7 s alone); on a machine loaded to 20 it took 11 s, past the 10 s default.
  }, 60_000);
});
