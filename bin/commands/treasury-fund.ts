import { EvmAdapter } from '#chains';
import { getMerchantProfile, isPlatformMerchant } from '#merchants';
import { bookFunding, type FundingAccount } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageChainRegistry, stageDeps, userError } from '../stage.js';

/**
 * One command for both accounts, with `--into` naming which: the checks, the audit and the
 * idempotency are the same, and the operator says which account a deposit was meant for, so a hash
 * pasted for the other one is refused rather than booked into the wrong account.
 */
const accounts: Record<string, FundingAccount> = { treasury: 'treasury', 'hot-wallet': 'hot_wallet' };

export default defineCommand({
  name: 'treasury fund',
  description: "Books money paid into a chain's treasury Safe or hot wallet from outside (once final); idempotent per transfer",
  options: {
    chain: { type: 'string', placeholder: 'name', description: 'the chain the Safe or hot wallet is on (required)' },
    tx: { type: 'string', placeholder: '0x…', description: 'the transaction that paid it (required)' },
    into: { type: 'string', placeholder: 'treasury|hot-wallet', description: "the account it paid: the treasury Safe (default) or one of the chain's hot wallets" },
    merchant: { type: 'string', placeholder: 'mer_...', description: "whose audit log records it (default: the treasury's platform merchant, if bound)" },
  },
  async run({ stage, values, print }) {
    const chain = requiredOption(values.chain, 'chain', 'local-a');
    const txHash = requiredOption(values.tx, 'tx', '0x5c50…');
    if (!/^0x[0-9a-fA-F]{64}$/.test(txHash)) throw new StackError(`--tx ${JSON.stringify(txHash)} is not a transaction hash (0x and 64 hex digits).`);
    const into = accounts[values.into ?? 'treasury'];
    if (!into) throw new StackError(`--into ${JSON.stringify(values.into)} is not an account funding is booked into: treasury or hot-wallet.`);
    const chains = stageChainRegistry(stage);
    const base = stageDeps(stage);
    try {
      // The audit log the bookings join must be the platform's: a merchant's own log is its statement's.
      if (values.merchant && !isPlatformMerchant(await getMerchantProfile(base, values.merchant))) {
        throw new StackError(`--merchant ${values.merchant} is not the platform merchant: funding is audited on the platform's log (lanepay merchant set-platform).`);
      }
      const adapters = new Map(chains.chains.map((entry) => [entry.name, new EvmAdapter(entry, base.kms)]));
      const result = await bookFunding({
        dynamodb: base.dynamodb, tableName: base.tableName, chains, now: () => new Date(),
        adapter: (name) => adapters.get(name)!,
        auditMerchantId: values.merchant,
      }, { chain, txHash, into });
      print(json({
        chain: result.chain, tx_hash: result.txHash, account: result.account, ...(result.safe ? { safe: result.safe } : { hot_wallets: result.recipients }),
        block_number: result.blockNumber, audited_on: result.auditedOn,
        transfers: result.transfers.map((t) => ({ log_index: t.logIndex, from: t.from, to: t.to, asset: t.asset, amount: t.amount, transfer_id: t.transferId, outcome: t.outcome })),
      }));
      if (!result.auditedOn) console.error('No platform merchant is bound to the treasury yet: booked without an audit record (pass --merchant to audit it on one).');
      return 0;
    } catch (error) {
      throw userError(error);
    } finally {
      base.dynamodb.destroy();
      base.kms.destroy();
    }
  },
});
