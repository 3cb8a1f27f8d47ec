import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { compileSanctionsIndex, sanctionsIndexFormat, type SerializedSanctionsIndex } from '#lib/compliance/kyc/screening/index.js';
import { cacheDir } from './cache.js';

export interface SanctionsFiles {
  sdn: string;
  alt: string;
  add?: string | undefined;
}

/**
 * Compiles OFAC's CSV files into an index, once per content: the compiled JSON is cached gzipped
 * under ~/.cache/lanepay/sanctions, keyed by the files' hash and the index format, so every later
 * stack start (and `lanepay sanctions load` of the same files) skips the compile.
 */
export function compileSanctionsFilesCached(files: SanctionsFiles): SerializedSanctionsIndex {
  const texts = { sdn: fs.readFileSync(files.sdn, 'utf8'), alt: fs.readFileSync(files.alt, 'utf8'), add: files.add ? fs.readFileSync(files.add, 'utf8') : undefined };
  const hash = createHash('sha256').update(sanctionsIndexFormat).update('\0').update(texts.sdn).update('\0').update(texts.alt).update('\0').update(texts.add ?? '').digest('hex');
  const cached = cacheDir('sanctions', `${hash}.json.gz`);
  if (fs.existsSync(cached)) {
    try {
      return JSON.parse(gunzipSync(fs.readFileSync(cached)).toString('utf8')) as SerializedSanctionsIndex;
    } catch {
      // A truncated cache file: compile again below and overwrite it.
    }
  }
  const index = compileSanctionsIndex(texts.sdn, texts.alt, texts.add);
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  const temporary = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, gzipSync(JSON.stringify(index)));
  fs.renameSync(temporary, cached);
  return index;
}
