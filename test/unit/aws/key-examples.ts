/**
 * One partition key of each kind the code builds, built by the code's own key builders (or, where a
 * module keeps its builder private, captured from the request it sends). Every key the rights table
 * of docs/security.md names must match one of these, so a prefix spelled wrong there (or in infra/)
 * fails rather than granting nothing. A new key prefix adds its example here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { periodHeadKey, periodLeavesPartition } from '#lib/audit/digests.js';
import { auditHeadKey, auditLanePartition, auditPartition, auditRegistryKey } from '#lib/audit/record.js';
import { approvedPartition, customerKey, documentRegisterKey, customerListPartition, customerVerificationsPartition, processingPartition, resolvablePartition, verificationKey } from '#lib/compliance/customers/items.js';
import { storeSanctionsIndex } from '#lib/compliance/kyc/sanctions-store.js';
import { accountItemKey, merchantAccount, platformAccount } from '#lib/ledger/accounts.js';
import { balanceTransactionsBySourcePartition, balanceTransactionsPartition } from '#lib/ledger/balance-transactions.js';
import { approvalKey, merchantApprovalsPartition } from '#lib/merchants/approvals/items.js';
import { eventKey, merchantEventsPartition, unrelayedEventPartitions } from '#lib/merchants/events.js';
import { apiKeyKey, keyIdKey, merchantProfileKey } from '#lib/merchants/items.js';
import { memberKey, memberKeyDigestKey } from '#lib/merchants/members/items.js';
import { treasuryOwnerKey } from '#lib/merchants/members/treasury-owners.js';
import { sessionKey } from '#lib/merchants/sessions/items.js';
import { challengeKey, memberPasskeysPartition, passkeyKey } from '#lib/merchants/sessions/passkey-items.js';
import { signInCounterKey } from '#lib/merchants/sessions/rate-limit.js';
import { chargeKey, depositAddressKey, expiryPartitions, merchantChargesPartition } from '#lib/money/charges/items.js';
import { merchantPaymentsPartition, paymentKey, processingIndexPartitions } from '#lib/money/payments/items.js';
import { hotWalletConfigKey } from '#lib/money/payouts/hot-wallet.js';
import { inFlightPartition, nonceKey, payoutKey } from '#lib/money/payouts/items.js';
import { sweepKey, sweepsInFlightPartition } from '#lib/money/sweeps/items.js';
import { reportKey } from '#lib/reports/items.js';
import { chargeRefundsPartition, merchantRefundsPartition, refundIdKey, refundKey, refundTotalKey } from '#lib/money/refunds/items.js';
import { connectionKey, findSubscribers } from '#lib/notify/realtime/connections.js';
import { tokenKey } from '#lib/notify/realtime/tokens.js';
import { attemptItem, deliveryKey, endpointCountKey, endpointKey, endpointListPartition, fanOutKey, redeliveryCountKey } from '#lib/notify/webhooks/items.js';
import { acquireIdempotencyKey } from '#lib/platform/idempotency/store.js';
import { flowBucketKey, flowEventMarkerKey } from '#lib/treasury/flows/flow-items.js';
import { forecastsPartition, shortfallStateKey } from '#lib/treasury/planning/forecast-items.js';
import { cursorKey, raisedKey, redriveKey } from '#lib/treasury/reconcile/items.js';
import { openProposalKey, openTransfersPartition, transferKey, transfersPartition } from '#lib/treasury/transfers/items.js';
import { treasuryMerchantKey } from '#lib/merchants/members/treasury-owners.js';

/** The partition keys (table and index) of the requests `run` sends, through a client that answers nothing. */
async function sentKeys(run: (dynamodb: DynamoDBClient) => Promise<unknown>): Promise<string[]> {
  const keys: string[] = [];
  // A real client (the SDK's paginators insist on one) whose send records and answers nothing.
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'none', secretAccessKey: 'none' } });
  client.send = (async (command: { input: Record<string, unknown> }) => {
    const input = command.input as { Item?: { pk?: { S?: string } }; Key?: { pk?: { S?: string } }; ExpressionAttributeValues?: Record<string, { S?: string }> };
    if (input.Item?.pk?.S) keys.push(input.Item.pk.S);
    if (input.Key?.pk?.S) keys.push(input.Key.pk.S);
    for (const value of Object.values(input.ExpressionAttributeValues ?? {})) if (value.S) keys.push(value.S);
    return {};
  }) as never;
  await run(client).catch(() => undefined);
  return keys;
}

const merchant = 'mer_01hzzzzzzzzzzzzzzzzzzzzzzz';

/** Partition keys of the table and of its indexes (gsi1pk, gsi2pk), one or more per kind. */
export async function keyExamples(): Promise<string[]> {
  return [
    apiKeyKey('0a1b2c').pk.S,
    keyIdKey('key_1').pk.S,
    merchantProfileKey(merchant).pk.S,
    memberKeyDigestKey('0a1b2c').pk.S,
    memberKey('mem_1').pk.S,
    sessionKey('s1').pk.S,
    signInCounterKey('ip:203.0.113.7', 0).pk.S,
    passkeyKey('c1').pk.S,
    challengeKey('ch1').pk.S,
    memberPasskeysPartition('mem_1'),
    documentRegisterKey('0a1b2c').pk!.S!,
    accountItemKey(merchantAccount(merchant, 'USDC'), 'tr_1').pk,
    accountItemKey(platformAccount('clearing', 'USDC'), 'tr_1').pk,
    accountItemKey(platformAccount('treasury:local-a', 'USDC'), 'tr_1').pk,
    accountItemKey(platformAccount('hotwallet:local-a', 'USDC'), 'tr_1').pk,
    hotWalletConfigKey('local-a').pk.S,
    treasuryOwnerKey(1).pk.S,
    transfersPartition,
    balanceTransactionsPartition(merchant),
    balanceTransactionsBySourcePartition(merchant, 'pay_1'),
    paymentKey('pay_1').pk.S,
    merchantPaymentsPartition(merchant),
    refundKey('ch_1', 're_1').pk.S,
    chargeRefundsPartition('ch_1'),
    refundTotalKey('ch_1').pk.S,
    refundIdKey('re_1').pk.S,
    merchantRefundsPartition(merchant),
    reportKey('rpt_1').pk.S,
    accountItemKey(platformAccount('refunds', 'USDC'), 'tr_1').pk,
    ...processingIndexPartitions(),
    eventKey('evt_1').pk.S,
    merchantEventsPartition(merchant),
    ...unrelayedEventPartitions(),
    payoutKey('pay_1').pk.S,
    nonceKey('local-a', '0xabc', 0).pk.S,
    inFlightPartition('local-a'),
    sweepKey('swp_1').pk.S,
    sweepsInFlightPartition('local-a'),
    transfersPartition,
    accountItemKey(platformAccount('treasury:local-a', 'USDC'), 'tr_1').pk,
    accountItemKey(platformAccount('hotwallet:local-a', 'USDC'), 'tr_1').pk,
    hotWalletConfigKey('local-a').pk.S,
    forecastsPartition,
    redriveKey('pay_1').pk.S,
    raisedKey('amount_mismatch', 'pay_1').pk.S,
    cursorKey('local-a', '0xabc').pk.S,
    chargeKey('ch_1').pk.S,
    depositAddressKey('local-a', '0xabc').pk.S,
    merchantChargesPartition(merchant),
    ...expiryPartitions(),
    approvalKey('apr_1').pk.S,
    merchantApprovalsPartition(merchant, 'pending'),
    flowBucketKey('local-a', 'USDC', 1).pk!.S!,
    flowEventMarkerKey('evt_1').pk!.S!,
    shortfallStateKey('local-a', 'USDC').pk!.S!,
    auditPartition(merchant),
    auditLanePartition(merchant, 3),
    auditHeadKey(merchant, 3).pk.S,
    auditRegistryKey(merchant, 3).pk.S,
    periodHeadKey.pk.S,
    periodLeavesPartition('2026-12-06T00:00:00.000Z'),
    endpointKey('we_1').pk.S,
    endpointCountKey(merchant).pk.S,
    endpointListPartition(merchant),
    redeliveryCountKey('evt_1', '2026-11-26T16').pk.S,
    attemptItem('we_1', { id: 'wa_1' } as never, new Date()).pk!.S!,
    deliveryKey('we_1', 'evt_1', 'r1').pk.S,
    fanOutKey('evt_1').pk.S,
    connectionKey('c1').pk.S,
    tokenKey('hash').pk.S,
    customerKey(merchant, 'cus_1').pk!.S!,
    verificationKey('kyv_1').pk!.S!,
    customerListPartition(merchant),
    customerVerificationsPartition('cus_1'),
    processingPartition,
    resolvablePartition,
    approvedPartition,
    transferKey('tt_0123456789').pk!.S!,
    openProposalKey({ chainId: 31337, safe: '0xabc' }).pk!.S!,
    openTransfersPartition,
    treasuryMerchantKey().pk.S,
    // Builders these modules keep to themselves: the keys their requests carry.
    ...(await sentKeys((dynamodb) => acquireIdempotencyKey({ dynamodb, tableName: 't' } as never, { merchantId: merchant, key: 'k1', fingerprint: 'f', nowMs: 0 }))),
    ...(await sentKeys((dynamodb) => findSubscribers({ dynamodb, tableName: 't' } as never, merchant, 'pay_1'))),
    // The latest list's pointer (read first) and a chunk of list v1.
    ...(await sentKeys((dynamodb) => storeSanctionsIndex({ dynamodb, tableName: 't', now: () => new Date() } as never, { version: 'v1', entries: [], names: [] } as never))),
  ];
}
