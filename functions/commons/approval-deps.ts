import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApprovalDeps, HeldChangeAppliers, MemberDeps } from '#merchants';
import { heldPayoutOutcome } from '#money';
import { approvedEndpointOutcome } from '#notify';
import { approvalsConfigSchema, dynamodbClient, kmsClient, loadConfig } from '#platform';
import { treasuryDecisionOutcome } from '#treasury';

let deps: (ApprovalDeps & MemberDeps) | undefined;

/** Approval dependencies built once per container from the validated environment; the members routes' too. */
export function approvalDeps(): ApprovalDeps & MemberDeps {
  if (deps) return deps;
  const config = loadConfig(approvalsConfigSchema);
  const dynamodb = dynamodbClient();
  const appliers = heldChangeAppliers({ dynamodb, tableName: config.TABLE_NAME, holdExpiryMs: config.HOLD_EXPIRY_SECONDS * 1000 });
  deps = {
    dynamodb, kms: kmsClient(), tableName: config.TABLE_NAME, appliers, now: () => new Date(),
    apiKeyDigestKeyId: config.API_KEY_DIGEST_KEY_ID, dataKeyId: config.DATA_KEY_ID, stage: config.STAGE,
    treasury: config.TREASURY_OWNERS > 0 ? { owners: config.TREASURY_OWNERS, threshold: config.TREASURY_THRESHOLD } : undefined,
  };
  return deps;
}

/**
 * How a decided request changes what payments, webhooks and the treasury own: an approved manual-capture payout is
 * authorized from then for `holdExpiryMs` (as at creation).
 */
export function heldChangeAppliers(deps: { dynamodb: DynamoDBClient; tableName: string; holdExpiryMs: number }): HeldChangeAppliers {
  return {
    payout: (merchantId, paymentId, outcome, now) => heldPayoutOutcome(deps, merchantId, paymentId, outcome, now),
    webhookEndpoint: (merchantId, held) => approvedEndpointOutcome(deps.tableName, merchantId, held),
    treasuryTransfer: (record, outcome, memberId, now) => treasuryDecisionOutcome(deps.tableName, record, outcome, memberId, now),
  };
}
