import { type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited, type AuditActor } from '#audit';
import type { Chain } from '#chains';
import {
  declineCodes, effectiveRules, evaluatePayment, isCustomerKey, kycStatusUnchanged, readCustomer, riskOverridesSchema,
  UnknownCustomerError, type DeclineCode, type KycStatus,
} from '#compliance';
import { balanceMovements, ledgerPostings, merchantAccount, platformAccount, refusedForFunds, transferItems, type TransferIntent } from '#ledger';
import {
  feeFor, newApprovalRecord, requestApprovalItems, requiredApprovals, type ApprovalRecord, type ApprovalRequirement,
  type MerchantProfile,
} from '#merchants';
import {
  acquireIdempotencyKey, completeIdempotencyItem, ConcurrentChangeError, conditionFailedAt, newId,
  releaseIdempotencyKey, ValidationError, type IdempotencyLock,
} from '#platform';
import { assertPayableDestination } from './destinations.js';
import type { PaymentDeps, PaymentOutcome } from './deps.js';
import { paymentItem, type PaymentRecord, type RiskRecord } from './items.js';
import { paymentEventItem } from './events.js';
import type { CreatePaymentBody, Payment } from './schemas.js';
import { utcDay, velocityItem, velocityKey } from './velocity.js';

export interface AuthorizeRequest {
  merchant: MerchantProfile;
  idempotencyKey: string;
  fingerprint: string;
  body: CreatePaymentBody;
  /** Who asked, for the audit record: the API key the authorizer accepted. */
  actor?: AuditActor;
}

const unknownKey: AuditActor = { type: 'api_key', id: null };

export interface PaymentResult {
  outcome: PaymentOutcome;
  payment: Payment;
}

/**
 * Creates a payment: risk gates, then in ONE transaction the payment, its events, the ledger hold
 * (or, for automatic capture, the posted debit), the velocity counters and the idempotency record.
 * A refusal by the risk engine or by a ledger/velocity condition is recorded as a declined payment.
 * A payout at or above the merchant's approval threshold (lib/merchants/approvals/policy.ts) is held with status
 * `requires_approval`, its approval request written in the same transaction.
 * DynamoDB requests for a first authorization: the idempotency lock and the transaction (plus one
 * read of the customer's KYC status when the payment names a customer; the transaction then checks
 * that status is unchanged).
 */
export async function authorizePayment(deps: PaymentDeps, request: AuthorizeRequest): Promise<PaymentResult> {
  const { body, merchant } = request;
  assertPayableDestination(assertChainCarries(deps, body.chain, body.asset), body.destination);
  const acquired = await acquireIdempotencyKey(deps, {
    merchantId: merchant.id,
    key: request.idempotencyKey,
    fingerprint: request.fingerprint,
    nowMs: deps.now().getTime(),
  });
  if (acquired.outcome === 'replay') return acquired.result as PaymentResult;
  try {
    return await authorizeLocked(deps, request, acquired.lock);
  } catch (error) {
    await releaseIdempotencyKey(deps, acquired.lock);
    throw error;
  }
}

export function assertChainCarries(deps: PaymentDeps, chainName: string, asset: string): Chain {
  const chain = deps.chains.get(chainName);
  if (!chain) {
    throw new ValidationError(`Unknown chain "${chainName}". Supported chains: ${deps.chains.names().join(', ')}.`, [
      { field: 'chain', message: `must be one of ${deps.chains.names().join(', ')}` },
    ]);
  }
  if (!chain.assets.some((a) => a.symbol === asset)) {
    const carried = chain.assets.map((a) => a.symbol).join(', ');
    throw new ValidationError(`Chain ${chainName} does not carry ${asset}; it carries ${carried}.`, [
      { field: 'asset', message: `must be one of ${carried} on chain ${chainName}` },
    ]);
  }
  return chain;
}

async function authorizeLocked(deps: PaymentDeps, request: AuthorizeRequest, lock: IdempotencyLock): Promise<PaymentResult> {
  const { body, merchant } = request;
  const now = deps.now();
  const amountMinor = BigInt(body.amount);
  const rules = effectiveRules(deps.riskDefaults, riskOverridesSchema.parse(merchant.risk));
  const customer = body.customer === undefined ? undefined : { id: body.customer, kycStatus: await customerKycStatus(deps, merchant.id, body.customer) };
  const decision = evaluatePayment({ amountMinor, asset: body.asset, chain: body.chain, destination: body.destination, customer }, rules);

  const payment = newPayment(body, now, deps.holdExpiryMs);
  if (decision.outcome === 'decline') {
    return recordDecline(deps, request, payment, decision.declineCode, lock, now, { outcome: 'decline', rule: decision.rule, rulesChecked: decision.rulesChecked });
  }
  // Velocity and balance are checked by the transaction's conditions, all at once, after the engine.
  const approved: RiskRecord = { outcome: 'approve', rulesChecked: [...decision.rulesChecked, 'velocity_merchant_daily', 'velocity_destination_daily', 'ledger_balance'] };
  const declinedBy = (rule: string): RiskRecord => ({ outcome: 'decline', rule, rulesChecked: approved.rulesChecked });

  if (decision.velocity.merchantDailyLimitMinor < amountMinor) return recordDecline(deps, request, payment, declineCodes.velocityMerchantDaily, lock, now, declinedBy('velocity_merchant_daily'));
  if (decision.velocity.destinationDailyLimitMinor < amountMinor) return recordDecline(deps, request, payment, declineCodes.velocityDestinationDaily, lock, now, declinedBy('velocity_destination_daily'));

  const feeMinor = feeFor(merchant, amountMinor);
  const gate = requiredApprovals(merchant.approvals, { kind: 'payout', amountMinor, asset: body.asset });
  const held = gate.approvals > 0 ? approvalHold(merchant.id, payment, gate, now) : undefined;
  const isManual = body.capture === 'manual';
  // A payout waiting for approvals is held like a manual capture (amount + maximum fee) until decided.
  const capturesNow = !isManual && !held;
  const record: PaymentRecord = {
    payment: {
      ...payment,
      fee: capturesNow ? feeMinor.toString() : '0',
      amount_captured: capturesNow ? body.amount : '0',
      status: held ? 'requires_approval' : isManual ? 'authorized' : 'processing',
      ...(held ? { approval_id: held.approval.id, expires_at: held.approval.expires_at } : {}),
    },
    merchantId: merchant.id,
    version: 1,
    risk: approved,
    feeTerms: merchant.fee,
    ...(capturesNow ? {} : { hold: { transferId: `trf_hold_${payment.id}`, amountMinor: amountMinor + feeMinor } }),
  };
  const events = held
    ? [paymentEventItem(deps.tableName, merchant.id, 'payment.requires_approval', record.payment, now).item]
    : [paymentEventItem(deps.tableName, merchant.id, 'payment.authorized', { ...record.payment, status: 'authorized', amount_captured: '0', fee: '0' }, now).item];
  if (capturesNow) events.push(paymentEventItem(deps.tableName, merchant.id, 'payment.processing', record.payment, now).item);

  const velocity = velocityItems(deps.tableName, { merchantId: merchant.id, asset: body.asset, destination: body.destination }, amountMinor, decision.velocity, now);
  const transfers = holdTransfers(record, merchant.id, body.asset, amountMinor, feeMinor);
  const items: TransactWriteItem[] = [
    completeIdempotencyItem(deps.tableName, lock, { outcome: 'created', payment: record.payment }),
    velocity.merchant,
    velocity.destination,
    { Put: { TableName: deps.tableName, Item: paymentItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...events,
    ...transferItems(deps.tableName, transfers, now.toISOString()),
    ...(held ? requestApprovalItems(deps.tableName, held) : []),
    ...(customer ? [kycStatusUnchanged(deps.tableName, merchant.id, customer.id, customer.kycStatus)] : []),
  ];

  try {
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: merchant.id, actor: request.actor ?? unknownKey, action: 'payment.authorized', object: { type: 'payment', id: payment.id }, at: now, movements: balanceMovements(transfers) } });
    return { outcome: 'created', payment: record.payment };
  } catch (error) {
    if (customerChanged(error, items)) {
      throw new ConcurrentChangeError(`Customer ${body.customer}'s KYC status changed while this payment was authorized; send it again.`, { cause: error });
    }
    const refusal = declineFromCancellation(error, items, velocity);
    if (!refusal) throw error;
    return recordDecline(deps, request, payment, refusal.code, lock, now, declinedBy(refusal.rule));
  }
}

/** The approval request a payout at or above the policy's threshold waits for, written in the payment's transaction. */
function approvalHold(merchantId: string, payment: Payment, requirement: ApprovalRequirement, now: Date): ApprovalRecord {
  return newApprovalRecord({
    merchantId,
    change: { kind: 'payout', paymentId: payment.id },
    subject: payment.id,
    details: { amount: payment.amount, asset: payment.asset, chain: payment.chain, destination: payment.destination, capture: payment.capture },
    requirement,
    requestedBy: { type: 'api_key', id: null },
    now,
  });
}

function holdTransfers(record: PaymentRecord, merchantId: string, asset: string, amountMinor: bigint, feeMinor: bigint): TransferIntent[] {
  const merchant = merchantAccount(merchantId, asset);
  const clearing = platformAccount('clearing', asset);
  const id = record.payment.id;
  if (record.hold) {
    return [{ kind: 'pending', id: record.hold.transferId, debit: merchant, credit: clearing, amountMinor: record.hold.amountMinor, asset }];
  }
  const { chain } = record.payment;
  const transfers: TransferIntent[] = [{ kind: 'posted', id: `trf_payout_${id}`, debit: merchant, credit: clearing, amountMinor, asset, memo: { type: 'payment', source: id, chain } }];
  if (feeMinor > 0n) {
    transfers.push({ kind: 'posted', id: `trf_fee_${id}`, debit: merchant, credit: platformAccount('fees', asset), amountMinor: feeMinor, asset, rootId: `trf_payout_${id}`, memo: { type: 'payout_fee', source: id, chain } });
  }
  return transfers;
}

function customerChanged(error: unknown, items: TransactWriteItem[]): boolean {
  return items.some((item, index) => isCustomerKey(item.ConditionCheck?.Key) && conditionFailedAt(error, index));
}

/** The day's volume counters a payment adds to, whose conditions are its velocity limits. */
export interface VelocityItems {
  merchant: TransactWriteItem;
  destination: TransactWriteItem;
}

export function velocityItems(
  tableName: string, payment: { merchantId: string; asset: string; destination: string }, amountMinor: bigint,
  limits: { merchantDailyLimitMinor: bigint; destinationDailyLimitMinor: bigint }, now: Date,
): VelocityItems {
  const keyParts = { ...payment, day: utcDay(now) };
  return {
    merchant: velocityItem(tableName, velocityKey('merchant', keyParts), amountMinor, limits.merchantDailyLimitMinor, now),
    destination: velocityItem(tableName, velocityKey('destination', keyParts), amountMinor, limits.destinationDailyLimitMinor, now),
  };
}

/**
 * Maps the failed condition of a cancelled transaction to a decline code; undefined for anything
 * else. The counters come before the ledger's items in the transaction, so they are read first.
 */
function declineFromCancellation(error: unknown, items: TransactWriteItem[], velocity: VelocityItems): { code: DeclineCode; rule: string } | undefined {
  if (conditionFailedAt(error, items.indexOf(velocity.merchant))) return { code: declineCodes.velocityMerchantDaily, rule: 'velocity_merchant_daily' };
  if (conditionFailedAt(error, items.indexOf(velocity.destination))) return { code: declineCodes.velocityDestinationDaily, rule: 'velocity_destination_daily' };
  if (refusedForFunds(error, items)) return { code: declineCodes.insufficientFunds, rule: 'ledger_balance' };
  return undefined;
}

async function recordDecline(
  deps: PaymentDeps,
  request: AuthorizeRequest,
  payment: Payment,
  declineCode: DeclineCode,
  lock: IdempotencyLock,
  now: Date,
  risk: RiskRecord,
): Promise<PaymentResult> {
  const merchantId = request.merchant.id;
  const declined: Payment = { ...payment, status: 'declined', decline_code: declineCode, expires_at: null };
  const result: PaymentResult = { outcome: 'declined', payment: declined };
  await writeAudited(deps, {
    items: [
      completeIdempotencyItem(deps.tableName, lock, result),
      { Put: { TableName: deps.tableName, Item: paymentItem({ payment: declined, merchantId, version: 1, risk }), ConditionExpression: 'attribute_not_exists(pk)' } },
      paymentEventItem(deps.tableName, merchantId, 'payment.declined', declined, now).item,
    ],
    audit: { merchantId, actor: request.actor ?? unknownKey, action: 'payment.declined', object: { type: 'payment', id: payment.id }, at: now },
  });
  return result;
}

function newPayment(body: CreatePaymentBody, now: Date, holdExpiryMs: number): Payment {
  return {
    id: newId('pay'),
    object: 'payment',
    status: 'authorized',
    amount: body.amount,
    amount_captured: '0',
    fee: '0',
    asset: body.asset,
    chain: body.chain,
    destination: body.destination,
    capture: body.capture,
    customer: body.customer ?? null,
    description: body.description ?? null,
    metadata: body.metadata ?? {},
    created_at: now.toISOString(),
    expires_at: body.capture === 'manual' ? new Date(now.getTime() + holdExpiryMs).toISOString() : null,
    tx_hash: null,
    decline_code: null,
    failure_code: null,
  };
}

/** The customer's KYC status; a customer this merchant never created is a 400 (the key names the merchant). */
async function customerKycStatus(deps: PaymentDeps, merchantId: string, customerId: string): Promise<KycStatus> {
  const record = await readCustomer(deps, merchantId, customerId);
  if (!record) throw new UnknownCustomerError(customerId);
  return record.customer.kyc_status;
}
