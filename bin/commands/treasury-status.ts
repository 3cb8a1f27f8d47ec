import { EvmAdapter, FailoverRpc } from '#chains';
import { treasuryMerchant } from '#merchants';
import { readTreasuryStatus } from '#treasury';
import { defineCommand } from '../command.js';
import { json, stageChainRegistry, stageDeps } from '../stage.js';
import { describeTreasury } from '../treasury-format.js';

// An operator runs this to see where the money is: an unreachable node must not hold it up for long.
const rpcTimeoutMs = 3_000;

export default defineCommand({
  name: 'treasury status',
  description: 'Per chain: the treasury Safe\'s balance (chain and ledger), its owners and threshold, each hot wallet against its plan; and the open proposals',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the platform merchant whose approval requests to show (default: the one the treasury\'s owners belong to)' },
    json: { type: 'boolean', default: false, description: 'prints JSON instead of a table' },
  },
  async run({ stage, values, print }) {
    const chains = stageChainRegistry(stage);
    const deps = stageDeps(stage);
    const rpcs = new Map(chains.chains.map((chain) => [chain.name, new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls, { timeoutMs: rpcTimeoutMs })]));
    const adapters = new Map(chains.chains.map((chain) => [chain.name, new EvmAdapter(chain, deps.kms, rpcs.get(chain.name))]));
    try {
      const status = await readTreasuryStatus({
        dynamodb: deps.dynamodb, tableName: deps.tableName, chains,
        adapter: (name) => adapters.get(name)!,
        reader: (name) => rpcs.get(name)!,
        platformMerchantId: values.merchant ?? await treasuryMerchant(deps),
      });
      print(values.json ? json(status) : describeTreasury(status));
      // Like `chain status`: 1 when a chain could not be read or does not match the registry.
      return status.chains.every((chain) => chain.error === null && chain.warnings.length === 0) ? 0 : 1;
    } finally {
      deps.dynamodb.destroy();
      deps.kms.destroy();
    }
  },
});
