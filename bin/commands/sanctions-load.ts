import fs from 'node:fs';
import { SanctionsListFormatError, storeSanctionsIndex } from '#compliance';
import { compileSanctionsFilesCached } from '../../scripts/stack/sanctions.js';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'sanctions load',
  description: "Compiles OFAC's SDN list (legacy CSV files) into the screening index and stores it as the latest version",
  options: {
    sdn: { type: 'string', placeholder: 'sdn.csv', description: 'the SDN file (required)' },
    alt: { type: 'string', placeholder: 'alt.csv', description: 'the alternate names file (required)' },
    add: { type: 'string', placeholder: 'add.csv', description: 'the addresses file (optional: countries of entries)' },
  },
  async run({ stage, values, print }) {
    const files = { sdn: requiredOption(values.sdn, 'sdn', 'data/ofac/sdn.csv'), alt: requiredOption(values.alt, 'alt', 'data/ofac/alt.csv'), add: values.add };
    for (const [flag, file] of Object.entries(files)) {
      if (file !== undefined && !fs.existsSync(file)) throw new StackError(`--${flag} ${file}: no such file.`);
    }
    try {
      const index = compileSanctionsFilesCached(files);
      const deps = stageDeps(stage);
      const stored = await storeSanctionsIndex({ ...deps, now: () => new Date() }, index);
      print(json({ version: stored.version, entries: stored.entries, names: stored.names, chunks: stored.chunks, loaded_at: stored.loadedAt, changed: stored.changed }));
      return 0;
    } catch (error) {
      // A malformed file names its row; that is the user's to fix.
      if (error instanceof SanctionsListFormatError) throw new StackError(error.message, { cause: error });
      throw userError(error);
    }
  },
});
