import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { operatorActor, writeAudited } from '#audit';
import type { Stage } from '#platform';
import { ledgerPostings } from './account-states.js';
import { merchantAccount, platformAccount } from './accounts.js';
import { SandboxOnProdError } from './errors.js';
import { balanceMovements, transferItems, type TransferIntent } from './transfers.js';

/**
 * Books test funds to a merchant from the platform's sandbox account. The transfer id is the
 * idempotency key: crediting twice with the same id is refused. Never on prod.
 */
export async function creditSandboxFunds(
  deps: { dynamodb: DynamoDBClient; tableName: string; stage: Stage; now?: () => Date },
  input: { merchantId: string; asset: string; amountMinor: bigint; transferId: string },
): Promise<void> {
  if (deps.stage === 'prod') {
    throw new SandboxOnProdError();
  }
  const now = deps.now?.() ?? new Date();
  const transfers: TransferIntent[] = [{
    kind: 'posted', id: input.transferId, debit: platformAccount('sandbox', input.asset), credit: merchantAccount(input.merchantId, input.asset),
    amountMinor: input.amountMinor, asset: input.asset, memo: { type: 'top_up', source: input.transferId },
  }];
  await writeAudited(deps, {
    items: transferItems(deps.tableName, transfers, now.toISOString()),
    state: ledgerPostings,
    audit: { merchantId: input.merchantId, actor: operatorActor, action: 'balance.sandbox_credited', object: { type: 'transfer', id: input.transferId }, at: now, movements: balanceMovements(transfers) },
  });
}
