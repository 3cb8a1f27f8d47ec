import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ChainRegistry } from '#chains';
import type { RiskRules } from '#compliance';

/** What the payment operations need, handed in by the function (or a test) rather than imported. */
export interface PaymentDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  riskDefaults: RiskRules;
  /** How long a manual-capture hold lives before the expiry sweep releases it. */
  holdExpiryMs: number;
  now: () => Date;
}

/**
 * Outcome of a payment operation: created (new payment), ok (changed), declined (recorded, not
 * authorized). Stored as-is for idempotent replays; the HTTP edge turns it into a status.
 */
export type PaymentOutcome = 'created' | 'ok' | 'declined';
