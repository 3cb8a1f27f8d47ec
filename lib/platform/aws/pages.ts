import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';

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
 * (lib/platform/ids), so the cursor is the id itself; one item more than asked tells whether another page exists.
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

/** A sort-key range of time-ordered ids: `lower` inclusive, `upper` exclusive. */
export interface IdRange {
  lower?: string;
  upper?: string;
}

/** What a list's query asks of its time range: the cursor and `created` bounds. */
export interface TimeRangeQuery {
  starting_after?: string | undefined;
  'created[gte]'?: string | undefined;
  'created[lt]'?: string | undefined;
}

/**
 * The id range a list reads: ids begin with their time (lib/platform/ids), so `created` bounds and
 * the cursor are all bounds of the sort key (key conditions, which cost nothing). `idBound` gives
 * the smallest id made at a time. Undefined when the range is empty.
 */
export function idRange(query: TimeRangeQuery, idBound: (ms: number) => string): IdRange | undefined {
  const lower = query['created[gte]'] ? idBound(Date.parse(query['created[gte]'])) : undefined;
  const uppers = [query.starting_after, query['created[lt]'] ? idBound(Date.parse(query['created[lt]'])) : undefined].filter((b): b is string => b !== undefined);
  const upper = uppers.length ? uppers.reduce((a, b) => (a < b ? a : b)) : undefined;
  if (lower && upper && lower >= upper) return undefined;
  return { ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) };
}

/** Conditions on attributes that are not keys of what is read (DynamoDB refuses key attributes in a filter). */
export interface ListFilter {
  expressions: string[];
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/**
 * One page of a partition's id range, newest first, filtered. A filter applies after Limit, so this
 * reads on until one more than a page matched or the range ends: a page of a rare match reads more of
 * the partition than it answers, never another partition. With both bounds the key condition is
 * BETWEEN, which includes the upper bound (the cursor, when it is one): that item is dropped here,
 * since no filter may name the sort key.
 */
export async function newestFirstInRange(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  list: ListPartition & { range: IdRange; filter?: ListFilter },
  limit: number,
): Promise<{ items: Record<string, AttributeValue>[]; hasMore: boolean }> {
  const [pk, sk] = list.index ? [`${list.index}pk`, `${list.index}sk`] : ['pk', 'sk'];
  const { lower, upper } = list.range;
  const values: Record<string, AttributeValue> = { ':p': { S: list.partition }, ...list.filter?.values };
  let keyCondition = `${pk} = :p`;
  if (lower && upper) keyCondition += ` AND ${sk} BETWEEN :lo AND :hi`;
  else if (upper) keyCondition += ` AND ${sk} < :hi`;
  else if (lower) keyCondition += ` AND ${sk} >= :lo`;
  if (lower) values[':lo'] = { S: lower };
  if (upper) values[':hi'] = { S: upper };
  const filter = list.filter?.expressions.length ? list.filter : undefined;
  const input: QueryCommandInput = {
    TableName: deps.tableName,
    ...(list.index ? { IndexName: list.index } : {}),
    KeyConditionExpression: keyCondition,
    ...(filter ? { FilterExpression: filter.expressions.join(' AND ') } : {}),
    ...(filter && Object.keys(filter.names).length ? { ExpressionAttributeNames: filter.names } : {}),
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: limit + 1,
  };
  const found: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const result = await deps.dynamodb.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    found.push(...(result.Items ?? []).filter((item) => !(lower && upper && item[sk]?.S === upper)));
    startKey = result.LastEvaluatedKey;
  } while (startKey && found.length <= limit);
  return { items: found.slice(0, limit), hasMore: found.length > limit };
}
