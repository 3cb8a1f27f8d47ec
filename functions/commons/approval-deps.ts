import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { kmsClient } from '../../lib/aws/clients/kms.js';
import { approvalsConfigSchema, loadConfig } from '../../lib/aws/config.js';
import type { ApprovalDeps } from '../../lib/approvals/deps.js';

let deps: ApprovalDeps | undefined;

/** Approval dependencies built once per container from the validated environment. */
export function approvalDeps(): ApprovalDeps {
  if (deps) return deps;
  const config = loadConfig(approvalsConfigSchema);
  deps = { dynamodb: dynamodbClient(), kms: kmsClient(), tableName: config.TABLE_NAME, holdExpiryMs: config.HOLD_EXPIRY_SECONDS * 1000, now: () => new Date() };
  return deps;
}
