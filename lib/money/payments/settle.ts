import { GetItemCommand, TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { systemActor, writeAudited, type AuditActor } from '#audit';
import { CustomerHeldError, kycStatusUnchanged, readCustomer, UnknownCustomerError } from '#compliance';
import { balanceMovements, ledgerPostings, merchantAccount, platformAccount, transferItems, type AccountId, type PendingTransfer, type TransferIntent } from '#ledger';
import { feeFor, readApproval, replaceApprovalItem, type ApprovalRecord, type MerchantProfile } from '#merchants';
import {
  acquireIdempotencyKey, completeIdempotencyItem, ConcurrentChangeError, conditionFailedAt, dueItems, NotFoundError,
  releaseIdempotencyKey, ValidationError, type IdempotencyLock,
} from '#platform';
import type { PaymentResult } from './authorize.js';
import type { PaymentDeps } from './deps.js';
import { AuthorizationExpiredError, CaptureExceedsAuthorizedError, PaymentNotCancelableError, PaymentNotCapturableError } from './errors.js';
import { balanceMemoOf, clearingAccountOf, holdIndexPartitions, paymentKey, recordFromItem, replacePaymentItem, type PaymentRecord } from './items.js';
import { paymentEventItem, type PaymentEventType } from './events.js';
import type { Payment } from './schemas.js';
import { RefundAwaitsClaimError } from '../refunds/errors.js';
import { refundFollowItems } from '../refunds/follow.js';

export type SettleAction = { kind: 'capture'; amountMinor?: bigint } | { kind: 'cancel' };

export interface SettleRequest {
  merchant: MerchantProfile;
  paymentId: string;
  action: SettleAction;
  /** Optional on capture and cancel: without one, repeating a completed action answers with the payment. */
  idempotency?: { key: string; fingerprint: string };
  /** Who asked, for the audit record: the API key the authorizer accepted. */
  actor?: AuditActor;
}

/** Captures (fully or partly, releasing the rest) or cancels an authorized payment. */
export async function settlePayment(deps: PaymentDeps, request: SettleRequest): Promise<PaymentResult> {
  let lock: IdempotencyLock | undefined;
  if (request.idempotency) {
    const acquired = await acquireIdempotencyKey(deps, {
      merchantId: request.merchant.id,
      key: request.idempotency.key,
      fingerprint: request.idempotency.fingerprint,
      nowMs: deps.now().getTime(),
    });
    if (acquired.outcome === 'replay') return acquired.result as PaymentResult;
    lock = acquired.lock;
  }
  try {
    return await settleLocked(deps, request, lock);
  } catch (error) {
    if (lock) await releaseIdempotencyKey(deps, lock);
    throw error;
  }
}

async function settleLocked(deps: PaymentDeps, request: SettleRequest, lock: IdempotencyLock | undefined): Promise<PaymentResult> {
  const record = await readPayment(deps, request.merchant.id, request.paymentId);
  const { payment } = record;
  const target = request.action.kind === 'capture' ? 'processing' : 'canceled';
  if (payment.status === 'requires_approval' && request.action.kind === 'cancel') return cancelHeldPayout(deps, request, record, lock);
  if (payment.status !== 'authorized') {
    if (isRepeat(payment, request.action)) return { outcome: 'ok', payment };
    throw notSettleable(request.action, payment.id, payment.status);
  }
  // A claim refund's payout has no address until its payer claims it: only the claim captures it.
  if (request.action.kind === 'capture' && record.refund?.claim) throw new RefundAwaitsClaimError(payment.id, record.refund.id);
  const now = deps.now();
  if (request.action.kind === 'capture' && payment.expires_at !== null && now.getTime() >= Date.parse(payment.expires_at)) {
    // The sweep may not have run yet; the hold is over all the same.
    throw new AuthorizationExpiredError(payment.id, payment.expires_at);
  }
  // The customer's KYC may have changed since the authorization: a held customer is not paid.
  const kycGate = request.action.kind === 'capture' && payment.customer ? await capturableCustomer(deps, record.merchantId, payment.customer) : undefined;
  const change = request.action.kind === 'capture'
    ? captureChange(record, request.merchant, request.action.amountMinor)
    : { next: { ...payment, status: target } as Payment, transfers: voidHold(record), event: 'payment.canceled' as PaymentEventType };
  const nextRecord: PaymentRecord = { ...record, payment: change.next, version: record.version + 1 };
  const result: PaymentResult = { outcome: 'ok', payment: change.next };
  const items: TransactWriteItem[] = [
    replacePaymentItem(deps.tableName, nextRecord, { version: record.version, status: 'authorized' }),
    paymentEventItem(deps.tableName, record.merchantId, change.event, change.next, now).item,
    ...transferItems(deps.tableName, change.transfers, now.toISOString()),
    ...refundFollowItems(deps.tableName, record, change.next, now),
  ];
  if (lock) items.push(completeIdempotencyItem(deps.tableName, lock, result));
  if (kycGate) items.push(kycGate);
  const action = request.action.kind === 'capture' ? 'payment.captured' : 'payment.canceled';
  try {
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: record.merchantId, actor: request.actor ?? { type: 'api_key', id: null }, action, object: { type: 'payment', id: payment.id }, at: now, movements: balanceMovements(change.transfers) } });
    return result;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return afterLostRace(deps, request);
    if (kycGate && conditionFailedAt(error, items.indexOf(kycGate))) {
      throw new ConcurrentChangeError(`Customer ${payment.customer}'s KYC status changed while this capture ran; send it again.`, { cause: error });
    }
    throw error;
  }
}

/** Refuses to capture for a customer in review or rejected; otherwise the condition that the status stays as read. */
async function capturableCustomer(deps: PaymentDeps, merchantId: string, customerId: string): Promise<TransactWriteItem> {
  const record = await readCustomer(deps, merchantId, customerId);
  if (!record) throw new UnknownCustomerError(customerId);
  const status = record.customer.kyc_status;
  if (status === 'review' || status === 'rejected') throw new CustomerHeldError(customerId, status);
  return kycStatusUnchanged(deps.tableName, merchantId, customerId, status);
}

/** Someone else (another request, a member's decision or an expiry sweep) changed the payment first. */
async function afterLostRace(deps: PaymentDeps, request: SettleRequest): Promise<PaymentResult> {
  const current = await readPayment(deps, request.merchant.id, request.paymentId);
  if (isRepeat(current.payment, request.action)) return { outcome: 'ok', payment: current.payment };
  throw notSettleable(request.action, request.paymentId, current.payment.status, true);
}

/** The refusal of a capture or cancel of a payment in `status` (`raced`: it changed while the request ran). */
function notSettleable(action: SettleAction, paymentId: string, status: string, raced = false) {
  return action.kind === 'capture' ? new PaymentNotCapturableError(paymentId, status, raced) : new PaymentNotCancelableError(paymentId, status, raced);
}

/**
 * The merchant withdraws a payout that waits for members' approval: the payment is canceled and its
 * hold voided as a member's rejection would, and the request is closed as `canceled`, so nobody can
 * decide it afterwards. One transaction, conditioned on the payment still waiting and the request
 * still pending at the versions read: a decision racing the cancel wins or loses whole.
 */
async function cancelHeldPayout(deps: PaymentDeps, request: SettleRequest, record: PaymentRecord, lock: IdempotencyLock | undefined): Promise<PaymentResult> {
  const now = deps.now();
  const approvalId = record.payment.approval_id;
  if (!approvalId) throw new Error(`payment ${record.payment.id} is requires_approval but names no approval request`);
  const held = await readApproval(deps, record.merchantId, approvalId);
  const change = releasedPayoutChange(record, 'canceled');
  const result: PaymentResult = { outcome: 'ok', payment: change.next };
  const withdrawn: ApprovalRecord = { ...held, version: held.version + 1, approval: { ...held.approval, status: 'canceled', decided_at: now.toISOString() } };
  const items: TransactWriteItem[] = [
    replacePaymentItem(deps.tableName, { ...record, payment: change.next, version: record.version + 1 }, { version: record.version, status: 'requires_approval' }),
    replaceApprovalItem(deps.tableName, withdrawn, held.version),
    paymentEventItem(deps.tableName, record.merchantId, change.event, change.next, now).item,
    ...transferItems(deps.tableName, change.transfers, now.toISOString()),
    ...refundFollowItems(deps.tableName, record, change.next, now),
  ];
  if (lock) items.push(completeIdempotencyItem(deps.tableName, lock, result));
  try {
    await writeAudited(deps, { items, audit: { merchantId: record.merchantId, actor: request.actor ?? { type: 'api_key', id: null }, action: change.event, object: { type: 'payment', id: record.payment.id }, at: now } });
    return result;
  } catch (error) {
    // The payment or its request moved on: a member decided, or the request expired, first.
    if (conditionFailedAt(error, 0) || conditionFailedAt(error, 1)) return afterLostRace(deps, request);
    throw error;
  }
}

/**
 * A payout held for approval let go without paying: canceled (a member rejected it, or the merchant
 * withdrew it) or expired; the payment no longer names its request, and its hold is voided.
 */
export function releasedPayoutChange(record: PaymentRecord, outcome: 'canceled' | 'expired') {
  const { approval_id: _released, ...payment } = record.payment;
  const next: Payment = { ...payment, status: outcome, expires_at: null };
  const transfers = voidHold(record, `trf_${outcome === 'canceled' ? 'void' : 'expire'}_${payment.id}`);
  return { next, transfers, event: `payment.${outcome}` as PaymentEventType };
}

/** The capture of a held payment: posts the hold (amount + fee) and books the fee; also used when an approval releases a payout. */
export function captureChange(record: PaymentRecord, merchant: Pick<MerchantProfile, 'fee'>, requestedMinor: bigint | undefined) {
  const { payment } = record;
  const authorizedMinor = BigInt(payment.amount);
  const capturedMinor = requestedMinor ?? authorizedMinor;
  if (capturedMinor > authorizedMinor) {
    throw new CaptureExceedsAuthorizedError(capturedMinor, authorizedMinor);
  }
  // The terms agreed at authorization (the hold reserved their maximum fee), not today's profile.
  const feeMinor = feeFor({ fee: record.feeTerms ?? merchant.fee }, capturedMinor);
  const hold = pendingHold(record);
  const transfers: TransferIntent[] = [{ kind: 'post_pending', id: `trf_capture_${payment.id}`, pending: hold, amountMinor: capturedMinor + feeMinor, memo: balanceMemoOf(record, 'debit', { feeMinor }) }];
  if (feeMinor > 0n) {
    transfers.push({ kind: 'posted', id: `trf_fee_${payment.id}`, debit: hold.credit, credit: platformAccount('fees', payment.asset), amountMinor: feeMinor, asset: payment.asset, rootId: hold.id });
  }
  const next: Payment = { ...payment, status: 'processing', amount_captured: capturedMinor.toString(), fee: feeMinor.toString(), expires_at: null };
  return { next, transfers, event: 'payment.processing' as PaymentEventType };
}

export function voidHold(record: PaymentRecord, transferId = `trf_void_${record.payment.id}`): TransferIntent[] {
  return [{ kind: 'void_pending', id: transferId, pending: pendingHold(record) }];
}

export function pendingHold(record: PaymentRecord): PendingTransfer {
  if (!record.hold) throw new Error(`payment ${record.payment.id} is ${record.payment.status} but has no hold`);
  return {
    id: record.hold.transferId,
    debit: merchantAccount(record.merchantId, record.payment.asset) as AccountId,
    credit: clearingAccountOf(record),
    amountMinor: record.hold.amountMinor,
    asset: record.payment.asset,
  };
}

/** A capture of a payment already captured for the same amount, or a cancel of a canceled one. */
function isRepeat(payment: Payment, action: SettleAction): boolean {
  if (action.kind === 'cancel') return payment.status === 'canceled';
  const captured = ['processing', 'succeeded', 'failed'].includes(payment.status);
  return captured && (action.amountMinor === undefined || action.amountMinor.toString() === payment.amount_captured);
}

export async function readPayment(deps: Pick<PaymentDeps, 'dynamodb' | 'tableName'>, merchantId: string, paymentId: string): Promise<PaymentRecord> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: paymentKey(paymentId), ConsistentRead: true }));
  // Another merchant's payment is reported exactly like a missing one: 404, never 403.
  if (!result.Item || result.Item.merchantId?.S !== merchantId) throw new NotFoundError('payment', paymentId);
  return recordFromItem(result.Item);
}

/**
 * Releases every manual-capture hold whose time is up, at most `limit` per run (the next run goes
 * on). Each expiry is its own conditional transaction, so a capture racing the sweep wins or loses
 * cleanly. A claim refund's payout expires here with its claim: the refund is canceled
 * (`claim_expired`) and its amount given back to the charge, in the same transaction.
 */
export async function expireDueHolds(deps: PaymentDeps, limit = 500): Promise<{ expired: number; skipped: number }> {
  const now = deps.now();
  let expired = 0;
  let skipped = 0;
  for await (const item of dueItems(deps, holdIndexPartitions(), now, limit)) {
    const record = recordFromItem(item);
    if (record.payment.status !== 'authorized' || !record.payment.expires_at || record.payment.expires_at > now.toISOString()) {
      skipped += 1;
      continue;
    }
    const next: Payment = { ...record.payment, status: 'expired' };
    try {
      await writeAudited(deps, {
        items: [
          replacePaymentItem(deps.tableName, { ...record, payment: next, version: record.version + 1 }, { version: record.version, status: 'authorized' }),
          paymentEventItem(deps.tableName, record.merchantId, 'payment.expired', next, now).item,
          ...transferItems(deps.tableName, [{ kind: 'void_pending', id: `trf_expire_${record.payment.id}`, pending: pendingHold(record) }], now.toISOString()),
          ...refundFollowItems(deps.tableName, record, next, now),
        ],
        audit: { merchantId: record.merchantId, actor: systemActor, action: 'payment.expired', object: { type: 'payment', id: record.payment.id }, at: now },
      });
      expired += 1;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      skipped += 1; // captured or canceled meanwhile
    }
  }
  return { expired, skipped };
}
