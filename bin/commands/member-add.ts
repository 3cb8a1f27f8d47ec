import QRCode from 'qrcode';
import { addMemberUnderPolicy, isMemberRole, memberRoles } from '#merchants';
import { StackError } from '../../scripts/stack/errors.js';
import { heldNotice, refusal, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps } from '../stage.js';
import { merchantOrPlatform, stageTreasury } from '../treasury.js';

export default defineCommand({
  name: 'member add',
  description: 'Adds a member (a viewer, an approver of held changes, or an admin): prints its member key and TOTP secret (otpauth URI) once; held for approval if the policy says so',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required unless --platform)' },
    platform: { type: 'boolean', default: false, description: 'the platform merchant that holds the treasury (once its first owner is bound)' },
    owner: { type: 'string', placeholder: '1..N', description: 'binds the member to treasury owner key N: its approvals of treasury transfers sign as that owner (platform members only)' },
    email: { type: 'string', placeholder: 'address', description: 'the member\'s email, unique within the merchant (required)' },
    role: { type: 'string', placeholder: 'viewer|approver|admin', description: 'what the member may do in the console and the API (default approver)' },
    qr: { type: 'boolean', default: false, description: 'draws the otpauth URI as a QR code in the terminal instead of printing it' },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const deps = stageDeps(stage);
    const merchantId = await merchantOrPlatform(deps, values);
    const owner = values.owner === undefined ? undefined : Number(values.owner);
    if (owner !== undefined && (!Number.isInteger(owner) || owner < 1)) throw new StackError(`--owner ${JSON.stringify(values.owner)} must be an owner key's number, 1 or more.`);
    const email = requiredOption(values.email, 'email', 'ana@example.com');
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new StackError(`--email ${JSON.stringify(email)} is not an email address.`);
    const role = values.role ?? 'approver';
    if (!isMemberRole(role)) throw new StackError(`--role ${JSON.stringify(role)} is not one of ${memberRoles.join(', ')}.`);
    let added;
    try {
      added = await addMemberUnderPolicy({ ...deps, treasury: owner === undefined ? undefined : stageTreasury(stage) }, { merchantId, email, role, treasuryOwner: owner, requestedByMember: values['requested-by'] });
    } catch (error) {
      throw refusal(error);
    }
    if (values.qr) {
      const { otpauth_uri: uri, ...rest } = added;
      print(json(rest));
      print(await QRCode.toString(uri, { type: 'terminal', small: true }));
      console.error('Scan the code with an authenticator app now: the key and the secret are shown this once.');
    } else {
      print(json(added));
      console.error('The member key and the otpauth URI are shown this once: only the key\'s digest and the sealed secret are stored.');
    }
    // Held: the member exists, and its key works, once the request is approved.
    if (added.approval) console.error(heldNotice(added.approval));
    return 0;
  },
});
