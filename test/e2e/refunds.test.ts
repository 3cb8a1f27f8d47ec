import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Contract } from 'ethers';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { addMember } from '#lib/merchants/members/members.js';
import { updateMerchantProfile } from '#lib/merchants/merchants.js';
import { readRefunded } from '#lib/money/refunds/create.js';
import { api } from '../support/api.js';
import { Authenticator } from '../support/authenticator.js';
import { chainByName, provider, usdcBalance } from '../support/chain.js';
import { DEPLOYER_ADDRESS } from '../../scripts/stack/chains.js';
import { clients, fundedMerchant, merchantDeps, someAddress, usdc } from '../support/deps.js';
import { expectChargeRefundsHold, expectLedgerBalanced } from '../support/ledger-invariants.js';
import { decide } from '../support/members.js';
import { creditedCharge, refundReaching } from '../support/refunds.js';
import { stack } from '../support/stack.js';
import { closeAll, connect } from '../support/websocket.js';

const deps = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });

/** A ledger transfer as booked: its accounts and amount. */
async function transfer(id: string) {
  const item = (await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: { pk: { S: `TRANSFER#${id}` }, sk: { S: 'TRANSFER' } }, ConsistentRead: true }))).Item;
  return { debit: item?.debitAccountId?.S, credit: item?.creditAccountId?.S, amount: item?.amount?.S ?? item?.amount?.N, state: item?.state?.S };
}

afterEach(closeAll);

describe('refunds paid on chain', () => {
  it('reaches a WebSocket subscribed to the refund\'s payout with refund.succeeded, the refund as it stood', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const created = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: '1000000', destination: someAddress() } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const issued = await api('POST', '/v1/realtime/tokens', { key: merchant.api_key, idempotencyKey: false });
    const socket = await connect(`${issued.body.url}?token=${issued.body.token}`);
    socket.send({ action: 'subscribe', payment_id: created.body.payout });
    await socket.frame('subscription ack', (f) => f.object === 'subscription');
    const frame = await socket.frame('refund.succeeded of the refund', (f) => f.type === 'refund.succeeded' && f.data?.object?.id === created.body.id, 150_000);
    expect(frame.json.data.object).toMatchObject({ id: created.body.id, payout: created.body.payout, charge: charge.id, status: 'succeeded' });
  }, 200_000);

  it('pays a refund to its destination on the charge\'s chain: the destination\'s USDC rises by the amount, the refund succeeds with the tx hash, and refund.created, refund.processing and refund.succeeded are events', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const destination = someAddress();
    const before = await usdcBalance('local-a', destination);
    const created = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: '2500000', destination } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const done = await refundReaching(merchant.api_key, created.body.id, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(await usdcBalance('local-a', destination)).toBe(before + 2_500_000n);
    const receipt = await provider('local-a').getTransactionReceipt(done.tx_hash);
    expect(receipt?.status).toBe(1);
    const payout = await api('GET', `/v1/payments/${created.body.payout}`, { key: merchant.api_key });
    expect(payout.body).toMatchObject({ status: 'succeeded', tx_hash: done.tx_hash });

    const events = await api('GET', '/v1/events?limit=50', { key: merchant.api_key });
    const refundEvents = events.body.data.filter((e: { type: string }) => e.type.startsWith('refund.'));
    expect(refundEvents.map((e: { type: string }) => e.type).sort()).toEqual(['refund.created', 'refund.processing', 'refund.succeeded']);
    expect(refundEvents.find((e: { type: string }) => e.type === 'refund.succeeded').data.object).toMatchObject({ id: created.body.id, status: 'succeeded', tx_hash: done.tx_hash });
    expect(await readRefunded(deps(), charge.id)).toBe(2_500_000n);
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 200_000);

  it('fails a refund whose destination the token refuses: refund.failed with the payout\'s failure code, the merchant paid back through the refunds account, and the amount refundable again', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const refused = someAddress();
    const owner = await provider('local-a').getSigner(DEPLOYER_ADDRESS);
    await (await new Contract(chainByName('local-a').usdcAddress, ['function blacklist(address)'], owner).getFunction('blacklist')(refused)).wait();
    const created = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: refused } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const done = await refundReaching(merchant.api_key, created.body.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'failed', failure_code: 'destination_rejected' });
    expect(await transfer(`trf_refund_${created.body.payout}`)).toMatchObject({ debit: 'platform:refunds:USDC', credit: `merchant:${merchant.merchant_id}:USDC`, amount: usdc(10).toString() });
    expect((await api('GET', '/v1/balances', { key: merchant.api_key })).body.data[0].available).toBe(usdc(100).toString());
    expect(await readRefunded(deps(), charge.id)).toBe(0n);
    const events = await api('GET', '/v1/events?limit=50', { key: merchant.api_key });
    const types = events.body.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === created.body.id).map((e: { type: string }) => e.type).sort();
    expect(types).toEqual(['refund.created', 'refund.failed', 'refund.processing']);
    const again = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: someAddress() } });
    expect(again.body.amount).toBe(usdc(10).toString());
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 200_000);

  it('holds a refund at or above the policy\'s refunds threshold until a member approves it with a one-time code, then pays it', async () => {
    const merchant = await fundedMerchant(usdc(100));
    await updateMerchantProfile(merchantDeps(), merchant.merchant_id, (p) => ({ ...p, approvals: { refunds: { at_or_above: usdc(5).toString(), approvals: 1 }, admin_changes: { approvals: 1 }, expires_after_seconds: 3600 } }));
    const added = await addMember({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! }, { merchantId: merchant.merchant_id, email: `${randomUUID().slice(0, 8)}@example.com` });
    const member = { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), otpauthUri: added.otpauth_uri };
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });

    const small = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: (usdc(5) - 1n).toString(), destination: someAddress() } });
    expect(small.body.status).toBe('processing');
    const destination = someAddress();
    const held = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: usdc(5).toString(), destination } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ status: 'requires_approval', approval_id: expect.stringMatching(/^apr_/) });
    // Held, it already counts against the charge: the 1 unit left is all that may be refunded.
    expect(await readRefunded(deps(), charge.id)).toBe(usdc(10) - 1n);

    const approved = await decide(member, held.body.approval_id, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await refundReaching(merchant.api_key, held.body.id, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(done.approval_id).toBeUndefined();
    expect(await usdcBalance('local-a', destination)).toBe(usdc(5));
    await refundReaching(merchant.api_key, small.body.id, ['succeeded']);
    const events = await api('GET', '/v1/events?limit=50', { key: merchant.api_key });
    const types = events.body.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === held.body.id).map((e: { type: string }) => e.type).sort();
    expect(types).toEqual(['refund.created', 'refund.processing', 'refund.requires_approval', 'refund.succeeded']);
    // Through the refunds clearing account: held from the merchant, posted on approval, settled to the hot wallet.
    const pay = held.body.payout;
    expect(await transfer(`trf_hold_${pay}`)).toMatchObject({ debit: `merchant:${merchant.merchant_id}:USDC`, credit: 'platform:refunds:USDC', state: 'posted' });
    expect(await transfer(`trf_settle_${pay}`)).toMatchObject({ debit: 'platform:refunds:USDC', credit: 'platform:hotwallet:local-a:USDC', amount: usdc(5).toString() });
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 240_000);

  it('gives a rejected refund\'s amount back to the charge and the merchant: refund.canceled, and the same amount can be refunded again', async () => {
    const merchant = await fundedMerchant(usdc(100));
    await updateMerchantProfile(merchantDeps(), merchant.merchant_id, (p) => ({ ...p, approvals: { refunds: { at_or_above: '1', approvals: 1 }, admin_changes: { approvals: 1 }, expires_after_seconds: 3600 } }));
    const added = await addMember({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! }, { merchantId: merchant.merchant_id, email: `${randomUUID().slice(0, 8)}@example.com` });
    const member = { id: added.id, key: added.key, app: new Authenticator(added.otpauth_uri), otpauthUri: added.otpauth_uri };
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const held = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: someAddress() } });
    expect(held.body.status).toBe('requires_approval');
    const balance = async () => (await api('GET', '/v1/balances', { key: merchant.api_key })).body.data[0];
    expect(await balance()).toMatchObject({ available: usdc(90).toString() });

    const rejected = await decide(member, held.body.approval_id, 'reject');
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect((await api('GET', `/v1/refunds/${held.body.id}`, { key: merchant.api_key })).body.status).toBe('canceled');
    expect(await readRefunded(deps(), charge.id)).toBe(0n);
    expect(await balance()).toMatchObject({ available: usdc(100).toString() });
    const again = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: someAddress() } });
    expect(again.body).toMatchObject({ status: 'requires_approval', amount: usdc(10).toString() });
    const events = await api('GET', '/v1/events?limit=50', { key: merchant.api_key });
    const types = events.body.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === held.body.id).map((e: { type: string }) => e.type).sort();
    expect(types).toEqual(['refund.canceled', 'refund.created', 'refund.requires_approval']);
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 120_000);
});
