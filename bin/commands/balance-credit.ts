import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { conditionFailedAt } from '../../lib/aws/transaction-conflicts.js';
import { merchantAccount } from '../../lib/ledger/accounts.js';
import { amountStringSchema } from '../../lib/ledger/amount.js';
import { ledgerDecimals } from '../../lib/ledger/assets.js';
import { creditSandboxFunds } from '../../lib/ledger/sandbox.js';
import { transferKey } from '../../lib/ledger/transfers.js';
import { getMerchantProfile } from '../../lib/merchants/merchants.js';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps, userError, type StageDeps } from '../stage.js';

export default defineCommand({
  name: 'balance credit',
  description: 'Books sandbox funds (minor units) to a merchant; idempotent per --transfer-id; not on prod',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant to credit (required)' },
    asset: { type: 'string', default: 'USDC', placeholder: 'symbol', description: 'an asset the ledger carries' },
    amount: { type: 'string', placeholder: 'minor units', description: 'e.g. 100000000 for 100 USDC (required)' },
    'transfer-id': { type: 'string', placeholder: 'id', description: 'makes the credit idempotent (default: a fresh id)' },
  },
  async run({ stage, values, print }) {
    // Before anything reads a stack or calls AWS: prod has no sandbox, whatever the credentials.
    if (stage === 'prod') {
      throw new StackError('Sandbox funds cannot be booked on prod: fund the merchant with a real deposit.');
    }
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const amount = requiredOption(values.amount, 'amount', '100000000 (100 USDC)');
    const parsed = amountStringSchema.safeParse(amount);
    if (!parsed.success) throw new StackError(`--amount ${JSON.stringify(amount)} is invalid: it ${parsed.error.issues[0]?.message}.`);
    const asset = values.asset;
    if (ledgerDecimals[asset] === undefined) {
      throw new StackError(`--asset ${asset} is not an asset the ledger carries (${Object.keys(ledgerDecimals).join(', ')}).`);
    }
    const transferId = values['transfer-id'] ?? `trf_sandbox_${randomUUID()}`;
    const amountMinor = BigInt(parsed.data);

    const deps = stageDeps(stage);
    try {
      // The ledger refuses a credit to a missing account without saying why; say it first.
      await getMerchantProfile(deps, merchantId);
      await creditSandboxFunds(deps, { merchantId, asset, amountMinor, transferId });
    } catch (error) {
      if (!transferExists(error)) throw userError(error);
      await explainRepeat(deps, { merchantId, asset, amountMinor, transferId });
      print(json({ merchant_id: merchantId, asset, credited: '0', transfer_id: transferId, already_booked: true }));
      console.error(`Transfer ${transferId} was booked earlier: nothing was credited this time.`);
      return 0;
    }
    print(json({ merchant_id: merchantId, asset, credited: amountMinor.toString(), transfer_id: transferId }));
    return 0;
  },
});

/**
 * The transfer's Put comes first in creditSandboxFunds's transaction and is conditioned on the id
 * being new, so its failure means the id was used. (Belongs in lib/ledger/sandbox.ts as a
 * TransferExistsError; done here until that file changes.)
 */
function transferExists(error: unknown): boolean {
  return conditionFailedAt(error, 0);
}

/** A repeat of the same credit is fine; the same id for a different credit is a mistake to report. */
async function explainRepeat(
  deps: StageDeps,
  input: { merchantId: string; asset: string; amountMinor: bigint; transferId: string },
): Promise<void> {
  const { Item } = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: transferKey(input.transferId), ConsistentRead: true }),
  );
  const account = Item?.creditAccountId?.S;
  const amount = Item?.amount?.N;
  if (account === merchantAccount(input.merchantId, input.asset) && amount === input.amountMinor.toString()) return;
  throw new StackError(
    `Transfer id ${input.transferId} is taken by another transfer (${amount ?? '?'} to ${account ?? '?'}); ` +
      'pick a new --transfer-id, or leave it out for a fresh one.',
  );
}
