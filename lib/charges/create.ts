import { type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited, type AuditActor } from '../audit/index.js';
import type { Chain } from '../chains/registry.js';
import { ValidationError } from '../errors/index.js';
import { chargeEventItem } from '../events/items.js';
import { acquireIdempotencyKey, completeIdempotencyItem, releaseIdempotencyKey } from '../idempotency/store.js';
import { newId } from '../ids/index.js';
import type { MerchantProfile } from '../merchants/profile.js';
import { chargeAddress } from './addresses.js';
import type { ChargeDeps } from './deps.js';
import { ChargeNotCancelableError } from './errors.js';
import { chargeItem, chargeMinDeposit, depositAddressItem, lateWindowMs, replaceChargeItem, watchForever, type ChargeRecord } from './items.js';
import { getMerchantCharge } from './query.js';
import { defaultChargeExpirySeconds, type Charge, type CreateChargeBody } from './schemas.js';
import { conditionFailedAt } from '../aws/transaction-conflicts.js';

export interface ChargeResult {
  outcome: 'created' | 'ok';
  charge: Charge;
}

export interface CreateChargeRequest {
  merchant: MerchantProfile;
  idempotencyKey: string;
  fingerprint: string;
  body: CreateChargeBody;
  /** The API key that asked, for the audit record. */
  actor?: AuditActor;
}

/** An API key whose id the caller did not pass down. */
const unknownKey: AuditActor = { type: 'api_key', id: null };

/**
 * Opens a charge: one deposit address per chain (computed, nothing deployed), the charge, its
 * addresses' watch entries, `charge.created` and the idempotency record in one transaction.
 */
export async function createCharge(deps: ChargeDeps, request: CreateChargeRequest): Promise<ChargeResult> {
  const chains = payableChains(deps, request.body);
  const acquired = await acquireIdempotencyKey(deps, {
    merchantId: request.merchant.id, key: request.idempotencyKey, fingerprint: request.fingerprint, nowMs: deps.now().getTime(),
  });
  if (acquired.outcome === 'replay') return acquired.result as ChargeResult;
  try {
    const now = deps.now();
    const { body } = request;
    const id = newId('ch');
    const amountMinor = body.amount === undefined ? undefined : BigInt(body.amount);
    // A charge with an amount always expires; a top-up only when asked to.
    const expiresInSeconds = body.expires_in ?? (amountMinor === undefined ? undefined : defaultChargeExpirySeconds);
    const expiresAt = expiresInSeconds === undefined ? null : new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
    const charge: Charge = {
      id, object: 'charge', status: 'awaiting_payment', amount: body.amount ?? null, asset: body.asset,
      addresses: chains.map((chain) => chargeAddress(chain, id, body.asset, amountMinor)),
      amount_received: '0', amount_pending: '0', fee: '0', flags: [], deposits: [], deposit_count: 0, dust_count: 0, dust_amount: '0',
      expires_at: expiresAt, hosted_url: `${deps.checkoutBaseUrl}/${id}`,
      customer: body.customer ?? null, description: body.description ?? null, metadata: body.metadata ?? {},
      created_at: now.toISOString(), canceled_at: null,
    };
    // Like the fee, the minimum deposit is the merchant's setting when the charge is opened.
    const minDepositMinor = chargeMinDeposit(request.merchant, body.asset, amountMinor);
    const record: ChargeRecord = { charge, merchantId: request.merchant.id, version: 1, feeTerms: request.merchant.fee, lateDeposits: 0, minDepositMinor };
    const result: ChargeResult = { outcome: 'created', charge };
    const watchUntil = watchUntilFor(expiresAt);
    const items: TransactWriteItem[] = [
      { Put: { TableName: deps.tableName, Item: chargeItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...charge.addresses.map((address) => ({
        Put: {
          TableName: deps.tableName,
          Item: depositAddressItem({ chain: address.chain, address: address.deposit_address, chargeId: id, merchantId: request.merchant.id, asset: body.asset, minDepositMinor }, watchUntil),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      chargeEventItem(deps.tableName, request.merchant.id, 'charge.created', charge, now).item,
      completeIdempotencyItem(deps.tableName, acquired.lock, result),
    ];
    await writeAudited(deps, {
      items,
      audit: { merchantId: request.merchant.id, actor: request.actor ?? unknownKey, action: 'charge.created', object: { type: 'charge', id }, at: now },
    });
    return result;
  } catch (error) {
    await releaseIdempotencyKey(deps, acquired.lock);
    throw error;
  }
}

/** Late payments are still matched (and credited, flagged) for a while after the charge closes. */
export function watchUntilFor(closesAtIso: string | null): string {
  return closesAtIso === null ? watchForever : new Date(Date.parse(closesAtIso) + lateWindowMs).toISOString();
}

function payableChains(deps: ChargeDeps, body: CreateChargeBody): Chain[] {
  const carrying = deps.chains.chains.filter((chain) => chain.depositFactory && chain.assets.some((a) => a.symbol === body.asset && a.address !== 'native'));
  if (carrying.length === 0) {
    throw new ValidationError(`No chain takes ${body.asset} pay-ins here.`, [
      { field: 'asset', message: `must be an asset some chain takes pay-ins in (${payInAssets(deps).join(', ') || 'none configured'})` },
    ]);
  }
  if (body.chains === undefined) return carrying;
  const names = [...new Set(body.chains)];
  return names.map((name, index) => {
    const chain = carrying.find((c) => c.name === name);
    if (!chain) {
      throw new ValidationError(`Chain "${name}" takes no ${body.asset} pay-ins. Chains that do: ${carrying.map((c) => c.name).join(', ')}.`, [
        { field: `chains.${index}`, message: `must be one of ${carrying.map((c) => c.name).join(', ')}` },
      ]);
    }
    return chain;
  });
}

function payInAssets(deps: ChargeDeps): string[] {
  return [...new Set(deps.chains.chains.filter((c) => c.depositFactory).flatMap((c) => c.assets.filter((a) => a.address !== 'native').map((a) => a.symbol)))];
}

/**
 * Cancels a charge nothing has reached yet (no deposit seen, even unconfirmed; dust does not count). Its addresses stay
 * watched for the late window, so money sent anyway is credited and flagged `late`.
 */
export async function cancelCharge(deps: ChargeDeps, merchantId: string, chargeId: string, actor: AuditActor = unknownKey): Promise<ChargeResult> {
  const record = await getMerchantCharge(deps, merchantId, chargeId);
  const { charge } = record;
  if (charge.status === 'canceled') return { outcome: 'ok', charge };
  if (charge.status !== 'awaiting_payment' || charge.deposit_count > 0) {
    throw new ChargeNotCancelableError(chargeId, charge.status, charge.deposit_count);
  }
  const now = deps.now();
  const next: Charge = { ...charge, status: 'canceled', canceled_at: now.toISOString() };
  const nextRecord: ChargeRecord = { ...record, charge: next, version: record.version + 1 };
  const watchUntil = watchUntilFor(now.toISOString());
  const items: TransactWriteItem[] = [
    replaceChargeItem(deps.tableName, nextRecord, record.version),
    ...charge.addresses.map((address) => ({
      Put: {
        TableName: deps.tableName,
        Item: depositAddressItem({ chain: address.chain, address: address.deposit_address, chargeId, merchantId, asset: charge.asset, minDepositMinor: record.minDepositMinor }, watchUntil),
      },
    })),
    chargeEventItem(deps.tableName, merchantId, 'charge.canceled', next, now).item,
  ];
  try {
    await writeAudited(deps, { items, audit: { merchantId, actor, action: 'charge.canceled', object: { type: 'charge', id: chargeId }, at: now } });
    return { outcome: 'ok', charge: next };
  } catch (error) {
    if (conditionFailedAt(error, 0)) {
      // A deposit (or another cancel) changed the charge first.
      const current = await getMerchantCharge(deps, merchantId, chargeId);
      if (current.charge.status === 'canceled') return { outcome: 'ok', charge: current.charge };
      throw new ChargeNotCancelableError(chargeId, current.charge.status, current.charge.deposit_count, true);
    }
    throw error;
  }
}
