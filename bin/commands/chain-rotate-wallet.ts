import { setTimeout as delay } from 'node:timers/promises';
import { EvmAdapter, FailoverRpc } from '#chains';
import { beginRotation, completeRotation, currentHotWallet } from '#money';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageChainRegistry, stageDeps, userError } from '../stage.js';

// How often the old wallet's nonces are looked at while it drains: about a block on most chains.
const pollMs = 5_000;

export default defineCommand({
  name: 'chain rotate-wallet',
  description: 'Moves a chain\'s hot wallet to a new KMS key once the old wallet has nothing in flight (docs/payouts.md)',
  options: {
    chain: { type: 'string', placeholder: 'name', description: 'the chain, as named in the registry (required)' },
    key: { type: 'string', placeholder: 'key id or alias', description: 'the new hot wallet\'s KMS key, ECC_SECG_P256K1 (required)' },
    'wait-seconds': { type: 'string', default: '900', placeholder: 'n', description: 'how long to wait for the old wallet to drain; run again to keep waiting' },
  },
  async run({ stage, values, print }) {
    const chainName = requiredOption(values.chain, 'chain', 'polygon');
    const nextKeyId = requiredOption(values.key, 'key', 'alias/lanepay-prod-hot-wallet-polygon-2');
    const waitMs = Number(values['wait-seconds']) * 1000;
    if (!Number.isFinite(waitMs) || waitMs < 0) throw new StackError('--wait-seconds must be a number of seconds, e.g. --wait-seconds 900.');
    const chain = stageChainRegistry(stage).get(chainName);
    if (!chain) throw new StackError(`No chain ${chainName} in the chain registry.`);
    const deps = stageDeps(stage);
    try {
      const rpc = new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls);
      // The new key must be a signing key KMS can name an address for, before any payout waits on it.
      const nextAddress = await new EvmAdapter({ ...chain, hotWalletKeyId: nextKeyId }, deps.kms, rpc).hotWalletAddress().catch((error: unknown) => {
        throw new StackError(`KMS key ${nextKeyId} gives no address (${(error as Error).message}); nothing was changed.`, { cause: error });
      });
      const begun = await beginRotation(deps, chain, nextKeyId);
      const old = new EvmAdapter({ ...chain, hotWalletKeyId: begun.keyId }, deps.kms, rpc);
      console.error(`Rotating ${chain.name} from ${begun.keyId} (${await old.hotWalletAddress()}) to ${nextKeyId} (${nextAddress}); new payouts wait meanwhile.`);
      const deadline = Date.now() + waitMs;
      for (;;) {
        const { completed, drain } = await completeRotation(deps, chain, old);
        if (completed) {
          const now = await currentHotWallet(deps, chain);
          print(json({ chain: chain.name, key_id: now.keyId, address: nextAddress, retired_key_ids: now.retiredKeyIds }));
          console.error(`Done. Add ${nextAddress} to ownAddresses in the chain registry (keep the old address there too) and fund it; sweep what is left in the old wallet.`);
          return 0;
        }
        console.error(`Draining: ${drain.minedAtDepth} of ${drain.allocatedNonces} nonce(s) of the old wallet mined at ${chain.confirmations} confirmation(s).`);
        if (Date.now() >= deadline) {
          console.error('The old wallet still has payouts in flight; run the same command again to keep waiting (new payouts keep waiting too).');
          return 1;
        }
        await delay(pollMs);
      }
    } catch (error) {
      throw userError(error);
    } finally {
      deps.dynamodb.destroy();
      deps.kms.destroy();
    }
  },
});
