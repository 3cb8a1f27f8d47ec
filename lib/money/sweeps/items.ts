import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { jsonAttribute, readItem } from '#platform';
import type { PayoutAttempt } from '../payouts/items.js';

/**
 * A sweep: one `factory.sweep(token, salts, recipient)` transaction moving the tokens of a batch of
 * credited deposits from their deposit addresses to the hot wallet, or to the treasury Safe on a
 * chain whose registry says `sweepTo: treasury`. It takes its nonce from the same wallet
 * item as payouts (lib/money/payouts/submit.ts), so payouts and sweeps share one nonce sequence per wallet.
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
  /**
   * Where its tokens go, fixed when it is signed (the chain registry's `sweepTo`), so the posting
   * on completion names the account the chain paid even if the setting changed meanwhile. Absent
   * (requested, or signed before the setting existed): the hot wallet.
   */
  to?: 'hot_wallet' | 'treasury';
  /** The address the factory was told to pay: the hot wallet or the treasury Safe. */
  recipient?: string;
  /** Gas the mined transaction cost, booked on completion. */
  gasUsed?: bigint;
  gasCostWei?: bigint;
  txHash?: string;
  version: number;
  createdAtMs: number;
}

export const sweepKey = (id: string) => ({ pk: { S: `SWEEP#${id}` }, sk: { S: 'SWEEP' } });

/**
 * The sparse gsi1 partition of a chain's sweeps in flight (requested or pending): the reconciler
 * leaves the chain's treasury alone while one may have paid the chain but not the ledger yet.
 */
export const sweepsInFlightPartition = (chain: string) => `SWEEPS#${chain}#INFLIGHT`;

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
    // Every write is a whole Put: a final sweep drops out of the partition by leaving these out.
    ...(sweep.status === 'requested' || sweep.status === 'pending' ? { gsi1pk: { S: sweepsInFlightPartition(sweep.chain) }, gsi1sk: { S: sweep.id } } : {}),
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
