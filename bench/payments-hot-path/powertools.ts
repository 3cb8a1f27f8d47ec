import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DeleteTableCommand, TransactionCanceledException, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { authorizePayment, type PaymentResult } from '#lib/money/payments/authorize.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import { settlePayment } from '#lib/money/payments/settle.js';
import type { CaptureRequest, PaymentFlow, Ticket } from './flows.js';

/**
 * The same flow with Powertools' idempotency utility in place of Lanepay's store: Powertools' lock
 * (its own conditional Put on its own table), Lanepay's payment transaction, then Powertools'
 * completion (its own UpdateItem). A replay is answered by the failed Put (it returns the stored
 * record), as in Lanepay.
 *
 * authorizePayment cannot run without its own lock, and copying its transaction here would drift
 * from the real one, so the DynamoDB client this flow hands to Lanepay drops Lanepay's idempotency
 * requests on the way out: the lock Put is answered locally without being sent (and not counted),
 * the completion item is removed from the transaction. What reaches DynamoDB is exactly the
 * payment transaction Lanepay sends, minus its idempotency item. Capture needs no such trick:
 * settlePayment's idempotency is optional, so it is simply called without it.
 */

/** Creates the table the DynamoDBPersistenceLayer expects by default: partition key `id` (string), nothing else. */
export async function createIdempotencyTable(dynamodb: DynamoDBClient): Promise<{ tableName: string; drop: () => Promise<void> }> {
  const tableName = `lanepay-bench-powertools-${randomUUID().slice(0, 8)}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  return { tableName, drop: async () => void (await dynamodb.send(new DeleteTableCommand({ TableName: tableName }))) };
}

const isLanepayIdempotencyKey = (pk: string | undefined) => pk?.startsWith('IDEMP#') ?? false;

/** Makes `dynamodb` drop Lanepay's own idempotency requests (see the comment at the top). */
export function skipLanepayIdempotency(dynamodb: DynamoDBClient, tableName: string): void {
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (input.TableName === tableName && (context.commandName === 'PutItemCommand' || context.commandName === 'DeleteItemCommand')) {
        const pk = (input.Item ?? input.Key) as Record<string, { S?: string }> | undefined;
        if (isLanepayIdempotencyKey(pk?.pk?.S)) return { output: { $metadata: {} }, response: undefined };
      }
      if (context.commandName === 'TransactWriteItemsCommand') {
        const all = input.TransactItems as TransactWriteItem[];
        const dropped = all.flatMap((item, index) => (isLanepayIdempotencyKey(item.Update?.Key?.pk?.S) ? [index] : []));
        try {
          return await next({ ...args, input: { ...input, TransactItems: all.filter((_, index) => !dropped.includes(index)) } });
        } catch (error) {
          // Lanepay reads a cancellation's reasons by the index of the items it built: put the
          // dropped items' places back, so its own refusals and rebuilds read the right ones.
          if (error instanceof TransactionCanceledException && error.CancellationReasons) {
            for (const index of dropped) error.CancellationReasons.splice(index, 0, { Code: 'None' });
          }
          throw error;
        }
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'benchSkipLanepayIdempotency' },
  );
}

interface AuthorizeEvent {
  merchantId: string;
  idempotencyKey: string;
  fingerprint: string;
  ticket: Ticket;
}

interface CaptureEvent {
  merchantId: string;
  idempotencyKey: string;
  fingerprint: string;
  request: CaptureRequest;
}

/**
 * Keyed and validated the way Lanepay is: the key is (merchant, Idempotency-Key), the request
 * fingerprint must match (else an error, Lanepay's 422), records kept 48 h. One persistence layer
 * per operation, as Powertools wants one configuration per layer.
 */
function persistence(dynamodb: DynamoDBClient, tableName: string) {
  return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb });
}
const config = () => {
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: '[merchantId, idempotencyKey]',
    payloadValidationJmesPath: 'fingerprint',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: 48 * 3600,
  });
  // In a Lambda the handler registers its context, and the lock expires with the invocation; here a
  // stand-in gives the lock the 30 s Lanepay's has (an attribute of the same Put, no extra request).
  idempotencyConfig.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 } as Context);
  return idempotencyConfig;
};

/** `deps.dynamodb` must carry skipLanepayIdempotency; `powertoolsDynamoDB` is the client Powertools writes with. */
export function powertoolsFlow(deps: PaymentDeps, powertoolsDynamoDB: DynamoDBClient, idempotencyTable: string, requests: () => number): PaymentFlow {
  const authorize = makeIdempotent(
    // The key is a throwaway: the lock it would take is dropped before it is sent.
    (event: AuthorizeEvent): Promise<PaymentResult> => authorizePayment(deps, { ...event.ticket, idempotencyKey: `unused-${randomUUID()}` }),
    { persistenceStore: persistence(powertoolsDynamoDB, idempotencyTable), config: config(), keyPrefix: 'lanepay.authorize' },
  );
  const capture = makeIdempotent(
    (event: CaptureEvent): Promise<PaymentResult> =>
      settlePayment(deps, { merchant: event.request.merchant, paymentId: event.request.paymentId, action: { kind: 'capture' } }),
    { persistenceStore: persistence(powertoolsDynamoDB, idempotencyTable), config: config(), keyPrefix: 'lanepay.capture' },
  );
  return {
    name: 'powertools',
    requests,
    authorize: (ticket) => authorize({ merchantId: ticket.merchant.id, idempotencyKey: ticket.idempotencyKey, fingerprint: ticket.fingerprint, ticket }),
    capture: (request) => capture({ merchantId: request.merchant.id, idempotencyKey: request.idempotencyKey, fingerprint: request.fingerprint, request }),
  };
}
