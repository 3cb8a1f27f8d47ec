import { GetItemCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited, type AuditActor } from '#audit';
import type { Chain } from '#chains';
import {
  declineCodes, effectiveRules, evaluatePayment, kycStatusUnchanged, readCustomer, riskOverridesSchema, type DeclineCode, type KycStatus,
} from '#compliance';
import { balanceMovements, ledgerPostings, merchantAccount, platformAccount, refusedForFunds, transferItems, type TransferIntent } from '#ledger';
import { feeFor, newApprovalRecord, requestApprovalItems, requiredApprovals, type ApprovalRecord, type MerchantProfile } from '#merchants';
import {
  acquireIdempotencyKey, completeIdempotencyItem, ConcurrentChangeError, conditionFailedAt, newId, releaseIdempotencyKey, type IdempotencyLock,
} from '#platform';
import { getMerchantCharge } from '../charges/query.js';
import type { ChargeRecord } from '../charges/items.js';
import { assertChainCarries } from '../payments/authorize.js';
import type { PaymentDeps } from '../payments/deps.js';
import { assertPayableDestination } from '../payments/destinations.js';
import { paymentEventItem } from '../payments/events.js';
import { balanceMemoOf, clearingAccountOf, paymentItem, type PaymentRecord, type RefundLink, type RiskRecord } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { refundAmount, refundChain } from './amount.js';
import { claimItem, type ClaimRecord } from './claim-items.js';
import { claimLinkOf, newClaim } from './claims.js';
import type { RefundDeps } from './deps.js';
import { ChargeNotRefundableError, RefundDeclinedError, RefundExceedsChargeError } from './errors.js';
import { refundEventItem, refundStatusEventType } from './events.js';
import { addToRefundTotalItem, refundIdItem, refundItem, refundTotalKey, refundView } from './items.js';
import type { CreateRefundBody, Refund } from './schemas.js';
import { refundVelocityItems, type RefundVelocityItems } from './velocity.js';

export interface RefundRequest {
  merchant: MerchantProfile;
  chargeId: string;
  idempotencyKey: string;
  fingerprint: string;
  body: CreateRefundBody;
  actor?: AuditActor;
}

export interface RefundResult {
  /** `replayed`: the first result of this Idempotency-Key, answered again. */
  outcome: 'created' | 'replayed';
  refund: Refund;
}

/**
 * Refunds (part of) a charge: a payout to `destination` through the payments pipeline. Gated as a
 * payment is (risk rules with sanctions screening of the destination, velocity, the approval
 * policy's `refunds` section, the merchant's balance), and in ONE transaction: the payout payment
 * (with its `payment.*` events and ledger transfers through the `refunds` clearing account), the
 * refund and its events, the charge's refund total under its cap, and the idempotency record.
 * A refusal writes nothing: a typed error (409 over the cap, 402 declined). With `claim: true` the
 * payout waits authorized, its amount held, for its payer's claim (lib/money/refunds/claim-submit.ts).
 */
export async function createRefund(deps: RefundDeps, request: RefundRequest): Promise<RefundResult> {
  const charge = await getMerchantCharge(deps, request.merchant.id, request.chargeId);
  // Before the chain: a charge nothing reached has no chain a payer used, and nothing to give back.
  if (charge.charge.amount_received === '0') throw new ChargeNotRefundableError(charge.charge.id, charge.charge.status);
  const chainName = refundChain(charge.charge, request.body.chain);
  const chain = assertChainCarries(deps, chainName, charge.charge.asset);
  // A claim's address is checked when the payer names it (lib/money/refunds/claims.ts).
  if (request.body.destination !== undefined) assertPayableDestination(chain, request.body.destination);
  const acquired = await acquireIdempotencyKey(deps, { merchantId: request.merchant.id, key: request.idempotencyKey, fingerprint: request.fingerprint, nowMs: deps.now().getTime() });
  if (acquired.outcome === 'replay') return { ...(acquired.result as RefundResult), outcome: 'replayed' };
  try {
    return await refundLocked(deps, request, charge, chain, acquired.lock);
  } catch (error) {
    await releaseIdempotencyKey(deps, acquired.lock);
    throw error;
  }
}

async function refundLocked(deps: RefundDeps, request: RefundRequest, chargeRecord: ChargeRecord, chainConfig: Chain, lock: IdempotencyLock): Promise<RefundResult> {
  const { merchant, body } = request;
  const { charge } = chargeRecord;
  const chain = chainConfig.name;
  const now = deps.now();
  const refundedMinor = await readRefunded(deps, charge.id);
  const { amountMinor, roomMinor } = refundAmount(charge, refundedMinor, body.amount);
  const rules = effectiveRules(deps.riskDefaults, riskOverridesSchema.parse(merchant.risk));
  // The charge's customer is the refund's, for the KYC rules (as a payout naming them would be).
  const customer = charge.customer === null ? undefined : await customerOf(deps, merchant.id, charge.customer);
  const decision = evaluatePayment({ amountMinor, asset: charge.asset, chain, destination: body.destination, customer }, rules);
  if (decision.outcome === 'decline') throw new RefundDeclinedError(decision.declineCode);
  if (decision.velocity.merchantDailyLimitMinor < amountMinor) throw new RefundDeclinedError(declineCodes.velocityMerchantDaily);
  if (decision.velocity.destinationDailyLimitMinor < amountMinor) throw new RefundDeclinedError(declineCodes.velocityDestinationDaily);

  const refundId = newId('re');
  const paymentId = newId('pay');
  const claim = body.claim ? newClaim({ merchant, refundId, chargeId: charge.id, paymentId, amountMinor, asset: charge.asset, chain: chainConfig, expiresInSeconds: body.claim_expires_in, now }) : undefined;
  const link: RefundLink = { id: refundId, chargeId: charge.id, reason: body.reason ?? null, ...(claim ? { claim: claimLinkOf(deps, claim) } : {}) };
  const feeMinor = feeFor(merchant, amountMinor);
  const gate = requiredApprovals(merchant.approvals, { kind: 'refund', amountMinor, asset: charge.asset });
  const payment = newRefundPayment(paymentId, link, body, charge.asset, chain, amountMinor, now, claim);
  const held = gate.approvals > 0
    ? newApprovalRecord({
      merchantId: merchant.id,
      change: { kind: 'payout', paymentId: payment.id },
      subject: payment.id,
      details: { refund: link.id, charge: charge.id, amount: payment.amount, asset: payment.asset, chain, destination: payment.destination, reason: link.reason, ...(claim ? { claim: claim.id } : {}) },
      requirement: gate,
      requestedBy: { type: 'api_key', id: null },
      now,
    })
    : undefined;
  const risk = { outcome: 'approve' as const, rulesChecked: [...decision.rulesChecked, 'velocity_merchant_daily', 'velocity_destination_daily', 'ledger_balance', 'refund_total'] };
  const record = refundPaymentRecord(merchant, link, { ...payment, customer: customer?.id ?? null }, feeMinor, held, risk);
  const refund = refundView(record.payment, link);
  const result: RefundResult = { outcome: 'created', refund };
  // A claim's destination counter is added when it is claimed, to the address claimed.
  const velocity = refundVelocityItems(deps.tableName, { merchantId: merchant.id, asset: charge.asset, destination: body.destination ?? null }, amountMinor, decision.velocity, now);
  const total = addToRefundTotalItem(deps.tableName, charge.id, amountMinor, roomMinor, now);
  const transfers = refundTransfers(record, amountMinor, feeMinor);
  const statusEvent = refundStatusEventType(refund.status);
  const items: TransactWriteItem[] = [
    completeIdempotencyItem(deps.tableName, lock, result),
    total,
    velocity.merchant,
    ...(velocity.destination ? [velocity.destination] : []),
    { Put: { TableName: deps.tableName, Item: paymentItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: deps.tableName, Item: refundItem(merchant.id, refund), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: deps.tableName, Item: refundIdItem(merchant.id, refund), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...(claim ? [{ Put: { TableName: deps.tableName, Item: claimItem(claim), ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
    ...paymentEvents(deps.tableName, merchant.id, record.payment, now),
    refundEventItem(deps.tableName, merchant.id, 'refund.created', refund, now).item,
    // A claim waiting for its payer is `pending`, which has no event of its own beyond refund.created.
    ...(statusEvent ? [refundEventItem(deps.tableName, merchant.id, statusEvent, refund, now).item] : []),
    ...transferItems(deps.tableName, transfers, now.toISOString()),
    ...(held ? requestApprovalItems(deps.tableName, held) : []),
    ...(customer ? [kycStatusUnchanged(deps.tableName, merchant.id, customer.id, customer.kycStatus)] : []),
  ];
  try {
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: merchant.id, actor: request.actor ?? { type: 'api_key', id: null }, action: 'refund.created', object: { type: 'refund', id: link.id }, at: now, movements: balanceMovements(transfers) } });
    return result;
  } catch (error) {
    if (conditionFailedAt(error, items.indexOf(total))) {
      // Another refund of the charge landed first: say what is left now.
      const left = body.amount === 'excess' ? 0n : BigInt(charge.amount_received) - (await readRefunded(deps, charge.id));
      throw new RefundExceedsChargeError(charge.id, amountMinor, left < 0n ? 0n : left);
    }
    const declined = declinedBy(error, items, velocity);
    if (declined) throw new RefundDeclinedError(declined);
    if (customer && conditionFailedAt(error, items.length - 1)) {
      throw new ConcurrentChangeError(`Customer ${customer.id}'s KYC status changed while this refund was made; send it again.`, { cause: error });
    }
    throw error;
  }
}

function declinedBy(error: unknown, items: TransactWriteItem[], velocity: RefundVelocityItems): DeclineCode | undefined {
  if (conditionFailedAt(error, items.indexOf(velocity.merchant))) return declineCodes.velocityMerchantDaily;
  if (velocity.destination && conditionFailedAt(error, items.indexOf(velocity.destination))) return declineCodes.velocityDestinationDaily;
  if (refusedForFunds(error, items)) return declineCodes.insufficientFunds;
  return undefined;
}

/** The charge's customer with its KYC status; none if it is gone (the refund is then screened as one naming no customer). */
async function customerOf(deps: PaymentDeps, merchantId: string, customerId: string): Promise<{ id: string; kycStatus: KycStatus } | undefined> {
  const record = await readCustomer(deps, merchantId, customerId);
  return record ? { id: customerId, kycStatus: record.customer.kyc_status } : undefined;
}

/** What the charge's refunds add up to now (failed and canceled ones given back). */
export async function readRefunded(deps: Pick<PaymentDeps, 'dynamodb' | 'tableName'>, chargeId: string): Promise<bigint> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: refundTotalKey(chargeId), ConsistentRead: true }));
  return BigInt(result.Item?.refunded?.N ?? '0');
}

/**
 * The refund's payout. A claim's waits `authorized` with no destination until its claim captures it
 * (manual: only the claim captures it, never the merchant), and expires with the claim.
 */
function newRefundPayment(
  id: string, link: RefundLink, body: CreateRefundBody, asset: string, chain: string, amountMinor: bigint, now: Date, claim: ClaimRecord | undefined,
): Payment {
  return {
    id,
    object: 'payment',
    status: claim ? 'authorized' : 'processing',
    amount: amountMinor.toString(),
    amount_captured: '0',
    fee: '0',
    asset,
    chain,
    destination: body.destination ?? null,
    capture: claim ? 'manual' : 'automatic',
    customer: null,
    description: `Refund ${link.id} of charge ${link.chargeId}`,
    metadata: body.metadata ?? {},
    created_at: now.toISOString(),
    expires_at: claim ? claim.expiresAt : null,
    tx_hash: null,
    decline_code: null,
    failure_code: null,
  };
}

/**
 * The payout as authorize writes an automatic payment: captured at once, or held (amount + fee)
 * while members decide or, for a claim, until the payer claims it.
 */
function refundPaymentRecord(merchant: MerchantProfile, link: RefundLink, payment: Payment, feeMinor: bigint, held: ApprovalRecord | undefined, risk: RiskRecord): PaymentRecord {
  if (held || link.claim) {
    return {
      payment: held ? { ...payment, status: 'requires_approval', approval_id: held.approval.id, expires_at: held.approval.expires_at } : payment,
      merchantId: merchant.id, version: 1, risk, feeTerms: merchant.fee, refund: link,
      hold: { transferId: `trf_hold_${payment.id}`, amountMinor: BigInt(payment.amount) + feeMinor },
    };
  }
  return {
    payment: { ...payment, amount_captured: payment.amount, fee: feeMinor.toString() },
    merchantId: merchant.id, version: 1, risk, feeTerms: merchant.fee, refund: link,
  };
}

function paymentEvents(tableName: string, merchantId: string, payment: Payment, now: Date): TransactWriteItem[] {
  if (payment.status === 'requires_approval') return [paymentEventItem(tableName, merchantId, 'payment.requires_approval', payment, now).item];
  // A claim's payout is authorized and waits: chain-submit sees it only when its claim captures it.
  if (payment.status === 'authorized') return [paymentEventItem(tableName, merchantId, 'payment.authorized', payment, now).item];
  return [
    paymentEventItem(tableName, merchantId, 'payment.authorized', { ...payment, status: 'authorized', amount_captured: '0', fee: '0' }, now).item,
    // The relay sends this one to chain-submit: the refund is paid as any payout.
    paymentEventItem(tableName, merchantId, 'payment.processing', payment, now).item,
  ];
}

/** Merchant → refunds clearing: a pending hold while held, else the amount and the fee posted. */
function refundTransfers(record: PaymentRecord, amountMinor: bigint, feeMinor: bigint): TransferIntent[] {
  const { asset, id } = record.payment;
  const merchant = merchantAccount(record.merchantId, asset);
  const clearing = clearingAccountOf(record);
  if (record.hold) return [{ kind: 'pending', id: record.hold.transferId, debit: merchant, credit: clearing, amountMinor: record.hold.amountMinor, asset }];
  const transfers: TransferIntent[] = [{ kind: 'posted', id: `trf_payout_${id}`, debit: merchant, credit: clearing, amountMinor, asset, memo: balanceMemoOf(record, 'debit') }];
  if (feeMinor > 0n) transfers.push({ kind: 'posted', id: `trf_fee_${id}`, debit: merchant, credit: platformAccount('fees', asset), amountMinor: feeMinor, asset, rootId: `trf_payout_${id}`, memo: balanceMemoOf(record, 'fee') });
  return transfers;
}
