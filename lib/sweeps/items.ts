import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PayoutAttempt } from '../payouts/items.js';
import { jsonAttribute, readItem } from '../aws/item.js';
import * as z from 'zod';

/**
 * A sweep: one `factory.sweep(token, salts)` transaction moving the tokens of a batch of credited
 * deposits from their deposit addresses to the hot wallet. It takes its nonce from the same wallet
 * item as payouts (lib/payouts/submit.ts), so payouts and sweeps share one nonce sequence per wallet.
 */
export type SweepStatus = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface Sweep {
  id: string;
  chain: string;
  asset: string;
  /** Charge ids whose forwarders are flushed (the salts are keccak256 of each). */
  chargeIds: string[];
  /** The deposits it moves: `<tx>#<log index>` keys. */
  deposits: string[];
  amountMinor: bigint;
  status: SweepStatus;
  wallet?: string;
  nonce?: number;
  attempts: PayoutAttempt[];
  /** Gas the mined transaction cost, booked on completion. */
  gasUsed?: bigint;
  gasCostWei?: bigint;
  txHash?: string;
  version: number;
  createdAtMs: number;
}

export const sweepKey = (id: string) => ({ pk: { S: `SWEEP#${id}` }, sk: { S: 'SWEEP' } });

/** Per chain, what sweeping has cost in gas (wei): the operator's view of pay-in overhead. */
export const sweepGasKey = (chain: string) => ({ pk: { S: `SWEEPGAS#${chain}` }, sk: { S: 'TOTAL' } });

export function sweepItem(sweep: Sweep): Record<string, AttributeValue> {
  return {
    ...sweepKey(sweep.id),
    entity: { S: 'sweep' },
    body: { S: JSON.stringify(sweep, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)) },
    status: { S: sweep.status },
    chain: { S: sweep.chain },
    version: { N: String(sweep.version) },
  };
}

export function sweepFromItem(item: Record<string, AttributeValue>): Sweep {
  const raw = readItem(z.object({ body: jsonAttribute(z.record(z.string(), z.unknown())) }), item).body;
  return {
    ...(raw as unknown as Sweep),
    amountMinor: BigInt(raw.amountMinor as string),
    ...(raw.gasUsed !== undefined ? { gasUsed: BigInt(raw.gasUsed as string) } : {}),
    ...(raw.gasCostWei !== undefined ? { gasCostWei: BigInt(raw.gasCostWei as string) } : {}),
  };
}
