import type { KMSClient } from '@aws-sdk/client-kms';
import { JsonRpcProvider, getAddress, type TransactionRequest } from 'ethers';
import { KmsSigner, type Chain } from '#chains';
import type { Anchorer } from './deps.js';
import { anchorCalldata, type PeriodAnchor } from './digests.js';

/**
 * Anchors a period root as the calldata of a zero-value transaction from the anchoring wallet to
 * itself: no contract to deploy or trust, and anyone can read it back with eth_getTransactionByHash.
 * The wallet is its own KMS key (not a hot wallet), so anchoring never competes for payout nonces.
 */
export function evmAnchorer(kms: KMSClient, chain: Chain, anchorKeyId: string): Anchorer {
  const provider = new JsonRpcProvider(chain.rpcUrls[0], chain.chainId, { staticNetwork: true, pollingInterval: 500 });
  const signer = new KmsSigner(kms, anchorKeyId, provider);
  return {
    address: () => signer.getAddress(),
    destroy: () => provider.destroy(),
    async anchor(rootHex: string): Promise<PeriodAnchor> {
      const from = await signer.getAddress();
      const request: TransactionRequest = { to: from, value: 0n, data: anchorCalldata(rootHex), ...feeFields(chain) };
      const sent = await signer.sendTransaction(request);
      return { chain: chain.name, chain_id: chain.chainId, tx_hash: sent.hash, from };
    },
    async find(anchor: PeriodAnchor) {
      const tx = await provider.getTransaction(anchor.tx_hash);
      if (!tx) return undefined;
      return { data: tx.data, from: getAddress(tx.from), blockNumber: tx.blockNumber };
    },
  };
}

function feeFields(chain: Chain): Partial<TransactionRequest> {
  if (chain.fees.type === 'legacy') return { gasPrice: BigInt(chain.fees.gasPriceWei), type: 0 };
  return { maxFeePerGas: BigInt(chain.fees.maxFeePerGasWei), maxPriorityFeePerGas: BigInt(chain.fees.maxPriorityFeePerGasWei), type: 2 };
}
