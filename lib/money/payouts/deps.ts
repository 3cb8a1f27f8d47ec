import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ChainAdapter, ChainRegistry } from '#chains';

export type PayoutSignal =
  | { kind: 'liquidity_low'; chain: string; wallet: string; asset: string; neededMinor: string; balanceMinor: string; gasWei: string }
  | { kind: 'chain_unavailable'; chain: string }
  | { kind: 'fee_bumped'; chain: string; paymentId: string }
  | { kind: 'rebroadcast'; chain: string; paymentId: string }
  | { kind: 'payout_stuck'; chain: string; paymentId: string; wallet: string; nonce: number; reason: string };

export interface PayoutDeps {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  tableName: string;
  chains: ChainRegistry;
  adapter(chain: string): ChainAdapter;
  /** Standard queue of delayed "check this payout" messages. */
  checkQueueUrl: string;
  checkDelaySeconds: number;
  /** A transaction unmined this long is replaced with a higher fee. */
  stuckAfterMs: number;
  now: () => Date;
  /** Operator signals (metrics, alarms); the function decides how to emit them. */
  signal(signal: PayoutSignal): void;
}
