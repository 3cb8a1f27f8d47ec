import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Stage } from '#platform';
import type { Transport } from './transport.js';
import type { Resolver } from './url.js';

/** Operator signals the function turns into metrics (lib/ code stays free of Powertools metrics). */
export type WebhookSignal =
  | { kind: 'delivery_exhausted'; endpointId: string; eventId: string }
  | { kind: 'circuit_opened'; endpointId: string; openUntilMs: number }
  | { kind: 'endpoint_disabled'; endpointId: string; reason: 'gone' | 'failing' };

/** What webhook operations need, handed in by the function (or a test). */
export interface CircuitSettings {
  /** Failed attempts in a row to one endpoint that open its circuit. */
  failureThreshold: number;
  /** How long an open circuit holds deliveries back before the next one tries the endpoint. */
  cooldownMs: number;
}

export interface WebhookDeps {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  kms: KMSClient;
  tableName: string;
  stage: Stage;
  /** KMS key (alias) that encrypts endpoint secrets. */
  dataKeyId: string;
  deliveryQueueUrl: string;
  deliveryDeadLetterQueueUrl: string;
  /** Seconds to wait after each failed attempt; its length is the number of retries. */
  retryScheduleSeconds: number[];
  /** An endpoint failing every attempt for this long is disabled. */
  disableAfterMs: number;
  /** How long the previous secret keeps signing after a rotation. */
  secretOverlapMs: number;
  /** The endpoint circuit breaker (lib/notify/webhooks/circuit.ts); its defaults when absent. */
  circuit?: CircuitSettings;
  resolve: Resolver;
  transport: Transport;
  logger: Logger;
  signal: (signal: WebhookSignal) => void;
  now: () => Date;
  random: () => number;
}
