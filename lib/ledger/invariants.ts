import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface LedgerInvariants {
  accounts: number;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  /** What does not hold, one sentence each; empty when the ledger balances. */
  violations: string[];
}

/**
 * The double-entry invariants over every account item of a table: debits equal credits, posted and
 * pending each, and every guarded (merchant) account holds available = credits − debits − pending
 * ≥ 0. A whole-table scan: for a copy that nothing writes (a disaster-recovery drill's restore), not
 * for the live table, whose items move while the scan reads them.
 */
export async function checkLedgerInvariants(deps: { dynamodb: DynamoDBClient; tableName: string }): Promise<LedgerInvariants> {
  const result: LedgerInvariants = { accounts: 0, debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n, violations: [] };
  const pages = paginateScan({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    FilterExpression: 'begins_with(pk, :account)',
    ExpressionAttributeValues: { ':account': { S: 'ACCOUNT#' } },
    ConsistentRead: true,
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const amount = (field: string) => BigInt(item[field]?.N ?? '0');
      result.accounts += 1;
      result.debitsPosted += amount('debitsPosted');
      result.creditsPosted += amount('creditsPosted');
      result.debitsPending += amount('debitsPending');
      result.creditsPending += amount('creditsPending');
      // The account item itself (sk ACCOUNT) of a guarded account; platform accounts are sharded and unguarded.
      if (item.sk?.S !== 'ACCOUNT' || item.available?.N === undefined) continue;
      const name = item.accountId?.S ?? item.pk?.S ?? 'an account';
      const derived = amount('creditsPosted') - amount('debitsPosted') - amount('debitsPending');
      if (amount('available') !== derived) result.violations.push(`${name}: available ${amount('available')} is not credits − debits − pending (${derived})`);
      if (amount('available') < 0n) result.violations.push(`${name} is overdrawn: available ${amount('available')}`);
    }
  }
  if (result.debitsPosted !== result.creditsPosted) result.violations.push(`posted debits ${result.debitsPosted} ≠ posted credits ${result.creditsPosted}`);
  if (result.debitsPending !== result.creditsPending) result.violations.push(`pending debits ${result.debitsPending} ≠ pending credits ${result.creditsPending}`);
  return result;
}
