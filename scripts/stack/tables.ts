import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A new table with another table's keys and indexes: a world of its own for tests and benches that
 * move the clock or drive consumers themselves, seen by none of the stack's. With `stream`, it has a
 * stream of its own like the source's (which none of the stack's consumers reads): for a test that
 * plays a stream's event source mapping itself.
 */
export async function createTableLike(dynamodb: DynamoDBClient, sourceTableName: string, tableName: string, options: { stream?: boolean } = {}): Promise<string> {
  const source = (await dynamodb.send(new DescribeTableCommand({ TableName: sourceTableName }))).Table!;
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: source.AttributeDefinitions,
    KeySchema: source.KeySchema,
    GlobalSecondaryIndexes: source.GlobalSecondaryIndexes?.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })),
    ...(options.stream ? { StreamSpecification: source.StreamSpecification } : {}),
  }));
  return tableName;
}
