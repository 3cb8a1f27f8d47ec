import { EvmAdapter } from '#chains';
import { getMerchantProfile, isPlatformMerchant } from '#merchants';
import { bookTreasuryFunding } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageChainRegistry, stageDeps, userError } from '../stage.js';

export default defineCommand({
  name: 'treasury fund',
  description: "Books money paid into a chain's treasury Safe from outside (once final); idempotent per transfer",
  options: {
    chain: { type: 'string', placeholder: 'name', description: 'the chain the Safe is on (required)' },
    tx: { type: 'string', placeholder: '0x…', description: 'the transaction that paid the Safe (required)' },
    merchant: { type: 'string', placeholder: 'mer_...', description: "whose audit log records it (default: the treasury's platform merchant, if bound)" },
  },
  async run({ stage, values, print }) {
    const chain = requiredOption(values.chain, 'chain', 'local-a');
    const txHash = requiredOption(values.tx, 'tx', '0x5c50…');
    if (!/^0x[0-9a-fA-F]{64}$/.test(txHash)) throw new StackError(`--tx ${JSON.stringify(txHash)} is not a transaction hash (0x and 64 hex digits).`);
    const chains = stageChainRegistry(stage);
    const base = stageDeps(stage);
    try {
      // The audit log the bookings join must be the platform's: a merchant's own log is its statement's.
      if (values.merchant && !isPlatformMerchant(await getMerchantProfile(base, values.merchant))) {
        throw new StackError(`--merchant ${values.merchant} is not the platform merchant: treasury funding is audited on the platform's log (lanepay merchant set-platform).`);
      }
      const adapters = new Map(chains.chains.map((entry) => [entry.name, new EvmAdapter(entry, base.kms)]));
      const result = await bookTreasuryFunding({
        dynamodb: base.dynamodb, tableName: base.tableName, chains, now: () => new Date(),
        adapter: (name) => adapters.get(name)!,
        auditMerchantId: values.merchant,
      }, { chain, txHash });
      print(json({
        chain: result.chain, tx_hash: result.txHash, safe: result.safe, block_number: result.blockNumber, audited_on: result.auditedOn,
        transfers: result.transfers.map((t) => ({ log_index: t.logIndex, from: t.from, asset: t.asset, amount: t.amount, transfer_id: t.transferId, outcome: t.outcome })),
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
