import { ConditionalCheckFailedException, paginateQuery, PutItemCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { readCustomer } from './customers.js';
import { decideVerification, matchesOf, recordDecision, screenPerson } from './decide.js';
import type { SanctionsIndex } from '../kyc/screening/index.js';
import type { KycCheckDeps } from './deps.js';
import { approvedCustomerOfKeys, approvedPartition, customerItem, processingPartition, verificationIdOfKeys, versionedPut } from './items.js';
import { openPii } from './pii.js';
import type { VerificationReasonCode } from './schemas.js';
import { readVerification } from './verifications.js';

/** A verification processing longer than this lost its message (or its decision failed): decide it here. */
export const stuckAfterMs = 60_000;

async function* gsi2Keys(deps: Pick<KycCheckDeps, 'dynamodb' | 'tableName'>, partition: string, before?: string) {
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName, IndexName: 'gsi2',
    KeyConditionExpression: before ? 'gsi2pk = :p AND gsi2sk < :before' : 'gsi2pk = :p',
    ExpressionAttributeValues: { ':p': { S: partition }, ...(before ? { ':before': { S: before } } : {}) },
  });
  for await (const page of pages) yield* page.Items ?? [];
}

/** Decides every verification still processing after stuckAfterMs (the message was lost or failed). */
export async function sweepProcessing(deps: KycCheckDeps): Promise<{ decided: number }> {
  const before = new Date(deps.now().getTime() - stuckAfterMs).toISOString();
  let decided = 0;
  for await (const key of gsi2Keys(deps, processingPartition, before)) {
    const id = verificationIdOfKeys(key);
    if ((await decideVerification(deps, id)) === 'decided') decided++;
  }
  return { decided };
}

/**
 * Re-screens every approved customer not yet screened against the loaded list version. A hit
 * (match or possible match) moves the customer and its verification to `review` and emits
 * `customer.verification.review`; a clear result records the version so the next run skips it.
 */
export async function rescreenApproved(deps: KycCheckDeps): Promise<{ screened: number; moved: number }> {
  const index = await deps.sanctions();
  let screened = 0;
  let moved = 0;
  for await (const key of gsi2Keys(deps, approvedPartition)) {
    const { merchantId, customerId } = approvedCustomerOfKeys(key);
    try {
      const result = await rescreenCustomer(deps, index, merchantId, customerId);
      if (result !== 'skipped') screened++;
      if (result === 'moved') moved++;
    } catch (error) {
      // Changed meanwhile (a decision, an erasure, another run): the next run sees its new state.
      if (!(error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return { screened, moved };
}

async function rescreenCustomer(deps: KycCheckDeps, index: SanctionsIndex, merchantId: string, customerId: string): Promise<'skipped' | 'clear' | 'moved'> {
  const customer = await readCustomer(deps, merchantId, customerId);
  if (!customer || customer.customer.kyc_status !== 'approved' || customer.screenedListVersion === index.version) return 'skipped';
  const record = customer.customer.verification ? await readVerification(deps, customer.customer.verification) : undefined;
  if (!record?.pii) return 'skipped';
  const pii = await openPii(deps, { merchantId, customerId }, record.pii);
  const screening = screenPerson(index, pii, record.verification.nationality);
  const now = deps.now();
  if (screening.decision === 'clear') {
    await deps.dynamodb.send(new PutItemCommand(
      versionedPut(deps.tableName, customerItem({ ...customer, version: customer.version + 1, screenedListVersion: index.version }), customer.version).Put,
    ));
    return 'clear';
  }
  const reason: VerificationReasonCode = screening.decision === 'match' ? 'sanctions_match' : 'sanctions_possible_match';
  await recordDecision(deps, {
    record, customer, now, decidedBy: 'system', listVersion: index.version,
    decision: { status: 'review', reasons: [...new Set([...record.verification.reasons, reason])], matches: matchesOf(screening) },
  });
  deps.log('re-screening moved a customer to review', { customerId, verificationId: record.verification.id, listVersion: index.version });
  return 'moved';
}
