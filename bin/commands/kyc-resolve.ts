import os from 'node:os';
import { resolveVerification, verificationIdSchema } from '#compliance';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'kyc resolve',
  description: 'Resolves a verification in review, or one the system rejected (platform operator): approved or rejected, with a note, recording who and when',
  options: {
    verification: { type: 'string', placeholder: 'kyv_...', description: 'the verification in review or rejected by the system (required)' },
    decision: { type: 'string', placeholder: 'approved|rejected', description: 'the resolution (required)' },
    note: { type: 'string', placeholder: 'text', description: 'why, for the record (required)' },
    actor: { type: 'string', placeholder: 'name', description: 'who resolves it (default: $USER)' },
  },
  async run({ stage, values, print }) {
    const verificationId = requiredOption(values.verification, 'verification', 'kyv_01j...');
    if (!verificationIdSchema.safeParse(verificationId).success) throw new StackError(`--verification ${JSON.stringify(verificationId)} is not a verification id (kyv_...).`);
    const decision = requiredOption(values.decision, 'decision', 'approved');
    if (decision !== 'approved' && decision !== 'rejected') throw new StackError(`--decision ${JSON.stringify(decision)} is invalid: use approved or rejected.`);
    const note = requiredOption(values.note, 'note', '"namesake: birth year differs"');
    const actor = values.actor || process.env.USER || os.userInfo().username;
    try {
      const verification = await resolveVerification({ ...stageDeps(stage), now: () => new Date() }, { verificationId, decision, note, actor });
      print(json(verification));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
