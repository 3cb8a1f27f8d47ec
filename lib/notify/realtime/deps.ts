import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What the token, connection and subscription operations need: the table and a clock. */
export interface RealtimeStoreDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  now: () => Date;
}

/** What pushing events to WebSocket clients needs, handed in by the function (or a test). */
export interface RealtimeDeps extends RealtimeStoreDeps {
  /** The WebSocket API's management API, its endpoint set to the API and stage. */
  management: ApiGatewayManagementApiClient;
  /** Reports a post that failed for a reason other than a closed connection; the function logs it. */
  postFailed(failure: { connectionId: string; eventId: string; error: unknown }): void;
}
