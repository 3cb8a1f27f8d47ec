import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAgainstTestStack } from '../../support/cli.js';
import { cliOutput } from '../../support/members.js';

// Owner keys are stage-wide: this is the one test binding them on the shared test stack (the
// treasury's end-to-end test, test/e2e/treasury.test.ts, binds its owners in a table of its own).
let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

beforeAll(() => { cli = cliAgainstTestStack(); });
afterAll(() => cli?.cleanup());

describe('lanepay member add --owner and approval-policy set --platform', () => {
  it('binds the first owner with --merchant, the next with --platform, prints each member key and TOTP URI once, and sets the treasury rule', async () => {
    const refusedBeforeAnyOwner = await lanepay('member', 'add', '--platform', '--owner', '1', '--email', 'early@example.com');
    expect(refusedBeforeAnyOwner.code).toBe(1);
    expect(refusedBeforeAnyOwner.stderr).toContain('No treasury owner is bound yet');

    const platform = cliOutput(await lanepay('merchant', 'create', '--name', 'Treasury platform', '--platform'));
    const ana = cliOutput(await lanepay('member', 'add', '--merchant', platform.merchant_id, '--owner', '1', '--email', 'ana@example.com'));
    expect(ana).toMatchObject({ merchant_id: platform.merchant_id, treasury_owner: 1, key: expect.stringMatching(/^mk_test_/), otpauth_uri: expect.stringMatching(/^otpauth:\/\/totp\//) });
    const ben = cliOutput(await lanepay('member', 'add', '--platform', '--owner', '2', '--email', 'ben@example.com'));
    expect(ben).toMatchObject({ merchant_id: platform.merchant_id, treasury_owner: 2 });

    const taken = await lanepay('member', 'add', '--platform', '--owner', '2', '--email', 'cy@example.com');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`Treasury owner 2 is bound to member ${ben.id}`);
    const beyond = await lanepay('member', 'add', '--platform', '--owner', '4', '--email', 'cy@example.com');
    expect(beyond.stderr).toContain('The treasury has owner keys 1 to 3; there is no owner 4.');

    const below = await lanepay('approval-policy', 'set', '--platform', '--policy', '{"treasury":{"approvals":1}}');
    expect(below.code).toBe(1);
    expect(below.stderr).toContain('need 2 owner signatures');
    const set = cliOutput(await lanepay('approval-policy', 'set', '--platform', '--policy', '{"treasury":{"approvals":2},"admin_changes":{"approvals":0}}'));
    expect(set).toMatchObject({ merchant_id: platform.merchant_id, policy: { treasury: { approvals: 2 } } });
  });
});
