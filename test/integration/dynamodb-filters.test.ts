import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isolatedTable } from '../support/isolated.js';
import { localCredentials, stack } from '../support/stack.js';

// DynamoDB refuses a Query whose filter names a key attribute of what it reads; moto filtered on it,
// so a list doing that passed locally and would have answered 500 on AWS. The emulator
// (scripts/stack/assets/moto_serial.py, repair 6) now refuses it too; these tests pin that.

function rawClient(): DynamoDBClient {
  const info = stack();
  return new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb, maxAttempts: 1 });
}

describe('the DynamoDB emulator refuses what DynamoDB refuses in a filter', () => {
  it("refuses a table Query whose filter names the table's sort key", async () => {
    const tableName = await isolatedTable();
    const query = rawClient().send(new QueryCommand({
      TableName: tableName, KeyConditionExpression: 'pk = :p', FilterExpression: 'sk <> :s',
      ExpressionAttributeValues: { ':p': { S: 'P' }, ':s': { S: 'S' } },
    }));
    await expect(query).rejects.toMatchObject({ name: 'ValidationException', message: 'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk' });
  });

  it("refuses an index Query whose filter names the index's sort key through an attribute name", async () => {
    const tableName = await isolatedTable();
    const query = rawClient().send(new QueryCommand({
      TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p AND gsi1sk BETWEEN :lo AND :hi',
      FilterExpression: '#s = :status AND #k <> :hi', ExpressionAttributeNames: { '#s': 'status', '#k': 'gsi1sk' },
      ExpressionAttributeValues: { ':p': { S: 'P' }, ':lo': { S: 'a' }, ':hi': { S: 'z' }, ':status': { S: 'failed' } },
    }));
    await expect(query).rejects.toMatchObject({ name: 'ValidationException', message: 'Filter Expression can only contain non-primary key attributes: Primary key attribute: gsi1sk' });
  });

  it('answers a filter on other attributes, functions included, and a Scan filtering on a key', async () => {
    const tableName = await isolatedTable();
    const client = rawClient();
    const query = await client.send(new QueryCommand({
      TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'contains(#o, :chain) AND id <> :id AND attribute_exists(sk_copy)', ExpressionAttributeNames: { '#o': 'object' },
      ExpressionAttributeValues: { ':p': { S: 'P' }, ':chain': { S: 'local-a' }, ':id': { S: 'x' } },
    }));
    expect(query.Items).toEqual([]);
    const scan = await client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'sk = :s', ExpressionAttributeValues: { ':s': { S: 'S' } } }));
    expect(scan.Items).toEqual([]);
  });
});
