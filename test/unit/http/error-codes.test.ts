import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LanepayError } from '../../../lib/errors/index.js';
import { errorModules } from '../../../lib/http/error-codes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const libDir = path.join(repoRoot, 'lib');

/** lib/**\/errors.ts and lib/errors/index.ts, relative to the repository. */
const errorsFiles = fs.readdirSync(libDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => path.basename(file) === 'errors.ts' || file === path.join('errors', 'index.ts'))
  .map((file) => path.join('lib', file));

/** Every other .ts source a LanepayError could hide in. */
const otherSources = ['lib', 'functions', 'bin']
  .flatMap((dir) => fs.readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).map((file) => path.join(dir, file)))
  .filter((file) => file.endsWith('.ts') && !errorsFiles.includes(file));

/** The names of LanepayError and every class the errors modules derive from it. */
const lanepayErrorNames = new Set(['LanepayError', ...Object.values(errorModules).flatMap((module) => Object.entries(module)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof LanepayError)
  .map(([name]) => name))]);

describe('the error modules the HTTP edge checks its table against (lib/http/error-codes.ts)', () => {
  it('include every errors.ts of lib/', async () => {
    const registered = new Set<unknown>(Object.values(errorModules));
    const missing = [];
    for (const file of errorsFiles) {
      if (!registered.has(await import(pathToFileURL(path.join(repoRoot, file)).href))) missing.push(file);
    }
    expect(missing, 'errors modules missing from errorModules').toEqual([]);
    expect(errorsFiles.length).toBe(Object.keys(errorModules).length);
  });

  it('hold every LanepayError subclass: none is declared in another file', () => {
    const strays = otherSources.flatMap((file) => [...fs.readFileSync(path.join(repoRoot, file), 'utf8').matchAll(/class\s+(\w+)(?:<[^>]*>)?\s+extends\s+(\w+)/g)]
      .filter(([, , base]) => lanepayErrorNames.has(base!))
      .map(([, name, base]) => `${file}: ${name} extends ${base}`));
    expect(strays).toEqual([]);
  });
});
