import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One page of a list, as the API answers it. */
export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** What a caller asks of a list: how many, and the id of the last item it already has. */
export interface PageRequest {
  limit: number;
  startingAfter?: string | undefined;
}

/** The partition a list reads: a gsi1 partition (`gsi1pk`/`gsi1sk`) or, without `index`, a table one (`pk`/`sk`). */
export interface ListPartition {
  partition: string;
  index?: 'gsi1';
}

/**
 * One page of a partition, newest first. Its sort keys are the listed ids, which are time-ordered
 * (lib/ids), so the cursor is the id itself; one item more than asked tells whether another page exists.
 */
export async function newestFirstPage<T>(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  list: ListPartition,
  page: PageRequest,
  fromItem: (item: Record<string, AttributeValue>) => T,
): Promise<Page<T>> {
  const [pk, sk] = list.index ? [`${list.index}pk`, `${list.index}sk`] : ['pk', 'sk'];
  const result = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    ...(list.index ? { IndexName: list.index } : {}),
    KeyConditionExpression: page.startingAfter ? `${pk} = :p AND ${sk} < :after` : `${pk} = :p`,
    ExpressionAttributeValues: { ':p': { S: list.partition }, ...(page.startingAfter ? { ':after': { S: page.startingAfter } } : {}) },
    ScanIndexForward: false,
    Limit: page.limit + 1,
  }));
  const items = result.Items ?? [];
  return { object: 'list', data: items.slice(0, page.limit).map((item) => fromItem(item)), has_more: items.length > page.limit };
}
