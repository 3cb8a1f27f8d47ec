import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { planLiquidity } from '#lib/treasury/forecast/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastItem, type ForecastRecord } from '#lib/treasury/planning/forecast-items.js';
import { api } from '../support/api.js';
import { Authenticator } from '../support/authenticator.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { ConsoleClient } from '../support/console.js';
import { cliOutput, decide, type Member } from '../support/members.js';
import { cleanIdentity, cnResidentId, verifiedCustomer } from '../support/kyc.js';
import { readMerchantLog } from '#lib/audit/reads.js';
import { stack } from '../support/stack.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

/** A member added through POST /v1/members (no policy: at once), its code app loaded. */
async function addByApi(key: string, email: string, role?: string): Promise<Member & { body: any }> {
  const added = await api('POST', '/v1/members', { key, body: { email, ...(role ? { role } : {}) } });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return { id: added.body.id, key: added.body.key, app: new Authenticator(added.body.otpauth_uri), otpauthUri: added.body.otpauth_uri, body: added.body };
}

const memberIds = async (key: string) => ((await api('GET', '/v1/members', { key })).body.data as { id: string }[]).map((m) => m.id);
const pendingApprovals = async (key: string) => (await api('GET', '/v1/approvals?status=pending&limit=100', { key })).body.data as any[];

beforeAll(() => { cli = cliAgainstTestStack(); });
afterAll(() => cli.cleanup());

describe('platform merchant', () => {
  it('is set by merchant create --platform and taken away by merchant set-platform --off', async () => {
    const created = cliOutput(await lanepay('merchant', 'create', '--name', 'Platform ops', '--platform'));
    expect(created.platform).toBe(true);
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', created.merchant_id)).platform).toBe(true);

    // Off before the key is first used: the authorizer caches a profile for up to 60 s.
    expect(cliOutput(await lanepay('merchant', 'set-platform', '--merchant', created.merchant_id, '--off'))).toEqual({ merchant_id: created.merchant_id, platform: false });
    const refused = await api('GET', '/v1/liquidity', { key: created.api_key });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body).toMatchObject({ code: 'platform_only', type: 'https://lanepay.dev/problems/platform_only' });
  });

  it('makes merchant set-platform a held change under a policy, applied when a member approves it', async () => {
    const merchant = await fundedMerchant(0n);
    const ana = await addByApi(merchant.api_key, 'ana@example.com');
    cliOutput(await lanepay('approval-policy', 'set', '--merchant', merchant.merchant_id, '--policy', '{"admin_changes":{"approvals":1}}'));

    const held = cliOutput(await lanepay('merchant', 'set-platform', '--merchant', merchant.merchant_id));
    expect(held).toMatchObject({ object: 'approval', status: 'pending', action: 'platform.set', details: { platform: true }, requested_by: { type: 'operator', id: null } });
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchant.merchant_id)).platform).toBeUndefined();

    const approved = await decide(ana, held.id, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchant.merchant_id)).platform).toBe(true);
  });
});

describe('members and the approval policy through the API', () => {
  let merchant: Awaited<ReturnType<typeof fundedMerchant>>;
  let other: Awaited<ReturnType<typeof fundedMerchant>>;
  let ana: Member & { body: any };
  let ben: Member & { body: any };

  beforeAll(async () => {
    [merchant, other] = await Promise.all([fundedMerchant(0n), fundedMerchant(0n)]);
    ana = await addByApi(merchant.api_key, 'ana@example.com', 'admin');
    ben = await addByApi(merchant.api_key, 'ben@example.com');
  }, 60_000);

  it('adds a member at once without a policy, showing its key and otpauth URI once and never its secret in the list', async () => {
    expect(ana.body).toMatchObject({
      object: 'member', email: 'ana@example.com', role: 'admin', status: 'active', revoked_at: null, merchant_id: merchant.merchant_id,
      key: expect.stringMatching(/^mk_test_/), otpauth_uri: expect.stringMatching(/^otpauth:\/\/totp\//),
    });
    expect(ben.body.role).toBe('approver');
    const listed = await api('GET', '/v1/members', { key: merchant.api_key });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((m: any) => [m.email, m.role]).sort()).toEqual([['ana@example.com', 'admin'], ['ben@example.com', 'approver']]);
    for (const member of listed.body.data) expect(Object.keys(member).sort()).toEqual(['created_at', 'email', 'id', 'object', 'revoked_at', 'role', 'status']);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const before = await memberIds(merchant.api_key);
    for (const body of [{ email: 'not-an-email' }, { email: 'cy@example.com', role: 'owner' }, { email: 'cy@example.com', extra: 1 }, {}]) {
      const refused = await api('POST', '/v1/members', { key: merchant.api_key, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe('validation_error');
    }
    expect((await api('POST', '/v1/members/mem_nope/revoke', { key: merchant.api_key })).body.code).toBe('validation_error');
    const badPolicy = await api('PUT', '/v1/approval_policy', { key: merchant.api_key, body: { policy: { admin_changes: { approvals: -1 } } } });
    expect(badPolicy.status).toBe(400);
    expect(await memberIds(merchant.api_key)).toEqual(before);
    expect((await api('GET', '/v1/approval_policy', { key: merchant.api_key })).body).toEqual({ object: 'approval_policy', policy: null, active_members: 2 });
  });

  it('refuses an email the merchant has (409 member_exists)', async () => {
    const again = await api('POST', '/v1/members', { key: merchant.api_key, body: { email: 'ana@example.com' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('member_exists');
  });

  it('shows another merchant none of the members and answers 404 for revoking one', async () => {
    expect(await memberIds(other.api_key)).toEqual([]);
    const revoke = await api('POST', `/v1/members/${ana.id}/revoke`, { key: other.api_key });
    expect(revoke.status).toBe(404);
    expect(await memberIds(merchant.api_key)).toEqual(expect.arrayContaining([ana.id]));
  });

  it('refuses a policy asking more approvals than there are active members (409 policy_unsatisfiable), writing nothing', async () => {
    const refused = await api('PUT', '/v1/approval_policy', { key: merchant.api_key, body: { policy: { admin_changes: { approvals: 3 } } } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'policy_unsatisfiable', approvals_asked: 3, active_members: 2 });
    expect((await api('GET', '/v1/approval_policy', { key: merchant.api_key })).body.policy).toBeNull();
  });

  it('applies the first policy at once (200), then holds member changes (202) requested by the API key until a member approves', async () => {
    const set = await api('PUT', '/v1/approval_policy', { key: merchant.api_key, body: { policy: { admin_changes: { approvals: 1 } } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({ object: 'approval_policy', policy: { admin_changes: { approvals: 1 }, expires_after_seconds: 86_400 }, active_members: 2 });

    const heldAdd = await api('POST', '/v1/members', { key: merchant.api_key, body: { email: 'cy@example.com', role: 'viewer' } });
    expect(heldAdd.status, JSON.stringify(heldAdd.body)).toBe(202);
    expect(heldAdd.body).toMatchObject({
      email: 'cy@example.com', key: expect.stringMatching(/^mk_test_/),
      approval: { status: 'pending', action: 'member.add', subject: heldAdd.body.id, details: { email: 'cy@example.com', role: 'viewer' }, requested_by: { type: 'api_key', id: merchant.key_id } },
    });
    expect(await memberIds(merchant.api_key)).not.toContain(heldAdd.body.id);
    expect((await decide(ana, heldAdd.body.approval.id, 'approve')).body.status).toBe('approved');
    expect((await api('GET', '/v1/members', { key: merchant.api_key })).body.data.find((m: any) => m.id === heldAdd.body.id)).toMatchObject({ email: 'cy@example.com', role: 'viewer', status: 'active' });

    const heldRevoke = await api('POST', `/v1/members/${ben.id}/revoke`, { key: merchant.api_key });
    expect(heldRevoke.status, JSON.stringify(heldRevoke.body)).toBe(202);
    expect(heldRevoke.body).toMatchObject({ id: ben.id, status: 'active', approval: { action: 'member.revoke', subject: ben.id, status: 'pending' } });
    expect((await decide(ana, heldRevoke.body.approval.id, 'approve')).body.status).toBe('approved');
    const revoked = (await api('GET', '/v1/members', { key: merchant.api_key })).body.data.find((m: any) => m.id === ben.id);
    expect(revoked).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });

    const heldPolicy = await api('PUT', '/v1/approval_policy', { key: merchant.api_key, body: { policy: { admin_changes: { approvals: 2 } } } });
    expect(heldPolicy.status, JSON.stringify(heldPolicy.body)).toBe(202);
    expect(heldPolicy.body.approval).toMatchObject({ action: 'approval_policy.set', status: 'pending', details: { policy: { admin_changes: { approvals: 2 } } } });
    expect((await api('GET', '/v1/approval_policy', { key: merchant.api_key })).body).toMatchObject({ policy: { admin_changes: { approvals: 1 } }, active_members: 2 });
    expect((await pendingApprovals(merchant.api_key)).map((a) => a.id)).toEqual([heldPolicy.body.approval.id]);
  });
});

describe('GET /v1/chains', () => {
  it('lists every chain of the registry with its assets, and no explorer for the local chains', async () => {
    const merchant = await fundedMerchant(0n);
    const chains = await api('GET', '/v1/chains', { key: merchant.api_key });
    expect(chains.status).toBe(200);
    expect(chains.body.data.map((c: any) => c.name)).toEqual(stack().chains.map((c) => c.name));
    for (const chain of chains.body.data) {
      expect(chain).toMatchObject({ object: 'chain', explorer_tx_url: null, assets: [{ symbol: 'USDC', decimals: 6, address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) }] });
      expect(JSON.stringify(chain)).not.toMatch(/rpc|http:\/\/127|hotWallet|alias\//i);
    }
  });
});

describe('GET /v1/liquidity', () => {
  it('answers 403 platform_only to a merchant that is not the platform', async () => {
    const merchant = await fundedMerchant(0n);
    const refused = await api('GET', '/v1/liquidity', { key: merchant.api_key });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('platform_only');
  });

  it('shows the platform merchant each hot wallet\'s position now and the latest forecast with its bands and plan', async () => {
    const { dynamodb } = clients();
    const chain = stack().chains[0]!.name;
    const platform = cliOutput(await lanepay('merchant', 'create', '--name', 'Platform ops', '--platform'));
    const firstStepAt = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    // Sample paths as the job stores them, and the plan made from them as the job makes it: `forecast
    // scenario` (forecast-job.test.ts) may read this seed, and prices its baseline from the plan.
    const seedPaths = Array.from({ length: 100 }, (_, path) => Float64Array.from({ length: 6 }, (_, hour) => 100_000 + path * 1_000 + hour));
    const seedPlan = planLiquidity({ paths: seedPaths, leadTimeHours: 6, availableMinor: 100n, quantile: 0.95 });
    const record = (generatedAt: string): ForecastRecord => ({
      chain, asset: 'USDC', generatedAt, status: 'ok', historyHours: 96, firstStepAt,
      mean: Array.from({ length: 48 }, (_, i) => 1_000_000 + i),
      intervals: [
        { level: 0.8, lower: Array.from({ length: 48 }, () => 500_000.4), upper: Array.from({ length: 48 }, () => 1_500_000.6) },
        { level: 0.95, lower: Array.from({ length: 48 }, () => -3), upper: Array.from({ length: 48 }, () => 2_000_000) },
      ],
      strategy: 'test',
      plan: {
        wallet: '0x0000000000000000000000000000000000000001', leadTimeHours: 6, quantile: 0.95, balanceMinor: '100', inFlightMinor: '0', inFlightCount: 0,
        availableMinor: '100', requiredMinor: seedPlan.requiredMinor.toString(), topUpMinor: seedPlan.topUpMinor.toString(), expectedOutflowMinor: seedPlan.expectedOutflowMinor.toString(),
        dryProbability: seedPlan.dryProbability, shortfallProbability: 0.05, shortfall: true, pathCount: 100,
      },
    });
    let generatedAt = '';
    let liquidity: Awaited<ReturnType<typeof api>> | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      generatedAt = new Date().toISOString();
      await dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: forecastItem(record(generatedAt), seedPaths) }));
      liquidity = await api('GET', '/v1/liquidity', { key: platform.api_key });
      expect(liquidity.status, JSON.stringify(liquidity.body)).toBe(200);
      if (liquidity.body.data.find((l: any) => l.chain === chain)?.forecast?.generated_at === generatedAt) break;
    }
    expect(liquidity!.body.data.map((l: any) => `${l.chain}/${l.asset}`)).toEqual(stack().chains.map((c) => `${c.name}/USDC`));
    for (const entry of liquidity!.body.data) {
      expect(entry.error).toBeNull();
      expect(entry.wallet).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(BigInt(entry.balance) - BigInt(entry.in_flight)).toBe(BigInt(entry.available));
    }
    const seeded = liquidity!.body.data.find((l: any) => l.chain === chain);
    expect(seeded.forecast.generated_at).toBe(generatedAt);
    expect(seeded.forecast.points).toHaveLength(48);
    expect(seeded.forecast.points[0]).toEqual({ at: firstStepAt, p50: '1000000', p80_low: '500000', p80_high: '1500001', p95_low: '0', p95_high: '2000000' });
    expect(seeded.forecast.points[47].at).toBe(new Date(Date.parse(firstStepAt) + 47 * 3_600_000).toISOString());
    expect(seeded.plan).toMatchObject({ top_up: seedPlan.topUpMinor.toString(), required: seedPlan.requiredMinor.toString(), dry_probability: seedPlan.dryProbability, lead_time_hours: 6 });
    expect(seeded.shortfall).toEqual({ top_up: seedPlan.topUpMinor.toString(), dry_probability: seedPlan.dryProbability, lead_time_hours: 6 });
  });
});

describe('the routes through a console session', () => {
  it('records a member\'s held change, resolution and PII reveal as that member\'s, and refuses a viewer the admin and approver routes (403 role_forbidden)', async () => {
    const merchant = await fundedMerchant(0n, (p) => ({ ...p, platform: true }));
    const ana = await addByApi(merchant.api_key, 'ana@example.com', 'admin');
    const ben = await addByApi(merchant.api_key, 'ben@example.com', 'approver');
    const vic = await addByApi(merchant.api_key, 'vic@example.com', 'viewer');
    expect((await api('PUT', '/v1/approval_policy', { key: merchant.api_key, body: { policy: { admin_changes: { approvals: 1 } } } })).status).toBe(200);

    const admin = new ConsoleClient();
    expect((await admin.signIn(ana)).status).toBe(200);
    const held = await admin.send('POST', '/console/api/v1/members', { body: { email: 'dee@example.com', role: 'viewer' } });
    expect(held.status, held.text).toBe(202);
    expect(held.body.approval).toMatchObject({ action: 'member.add', requested_by: { type: 'member', id: ana.id } });
    expect((await decide(ana, held.body.approval.id, 'approve')).body.code).toBe('self_approval');
    expect((await decide(ben, held.body.approval.id, 'approve')).body.status).toBe('approved');

    const viewer = new ConsoleClient();
    expect((await viewer.signIn(vic)).status).toBe(200);
    expect((await viewer.send('GET', '/console/api/v1/members')).status).toBe(200);
    expect((await viewer.send('GET', '/console/api/v1/liquidity')).status).toBe(200);
    for (const [method, path, body] of [['POST', '/console/api/v1/members', { email: 'eve@example.com' }], ['PUT', '/console/api/v1/approval_policy', { policy: { admin_changes: { approvals: 1 } } }]] as const) {
      const refused = await viewer.send(method, path, { body });
      expect(refused.status, `${method} ${path}: ${refused.text}`).toBe(403);
      expect(refused.body.code).toBe('role_forbidden');
    }
    expect((await pendingApprovals(merchant.api_key))).toEqual([]);

    // The actor of a resolution and of a PII reveal is the member, not the merchant.
    const listed = await verifiedCustomer(merchant.merchant_id, cleanIdentity({ name: 'Kim Jong Un', birth_date: '1984-01-08', document: { type: 'cn_resident_id', number: cnResidentId('1984-01-08', '321') } }));
    expect(listed.verification.status).toBe('review');
    const resolvePath = `/console/api/v1/kyc/verifications/${listed.verification.id}/resolve`;
    expect((await viewer.send('POST', resolvePath, { body: { decision: 'approved', note: 'x' } })).body.code).toBe('role_forbidden');
    const approver = new ConsoleClient();
    expect((await approver.signIn(ben)).status).toBe(200);
    const resolved = await approver.send('POST', resolvePath, { body: { decision: 'approved', note: 'namesake: birth year differs' } });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.resolution).toMatchObject({ decision: 'approved', actor: `member:${ben.id}` });
    expect((await viewer.send('GET', `/console/api/v1/customers/${listed.customer.id}/pii`)).body.code).toBe('role_forbidden');
    const revealed = await admin.send('GET', `/console/api/v1/customers/${listed.customer.id}/pii`);
    expect(revealed.status, revealed.text).toBe(200);
    const log = await readMerchantLog({ dynamodb: clients().dynamodb, tableName: stack().tableName }, merchant.merchant_id);
    expect(log.filter((r) => ['customer.pii_revealed', 'kyc.verification_approved'].includes(r.body.action)).map((r) => [r.body.action, r.body.actor])
      .sort()).toEqual([['customer.pii_revealed', { type: 'member', id: ana.id }], ['kyc.verification_approved', { type: 'member', id: ben.id }]]);
  }, 90_000);
});
