import { randomUUID } from 'node:crypto';
import { CreateDatabaseCommand, CreateTableCommand, GetPartitionsCommand, GlueClient } from '@aws-sdk/client-glue';
import { describe, expect, it } from 'vitest';
import { gluePartitionRegistrar } from '#lib/reports/glue.js';
import { localCredentials, stack } from '../../support/stack.js';

/** Glue on the stack's moto (the same server as DynamoDB and S3), as the reports function calls it on AWS. */
function glue(): GlueClient {
  const info = stack();
  return new GlueClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb });
}

describe('gluePartitionRegistrar on moto\'s Glue', () => {
  it('adds a report file\'s partition to its type\'s table with the table\'s storage descriptor at the file\'s prefix, once, across merchants', async () => {
    const client = glue();
    const database = `lanepay_test_${randomUUID().slice(0, 8)}`;
    await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
    await client.send(new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: 'charges',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: 'merchant', Type: 'string' }, { Name: 'type', Type: 'string' }, { Name: 'date', Type: 'string' }],
        StorageDescriptor: {
          Location: 's3://reports/parquet/',
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          Columns: [{ Name: 'id', Type: 'string' }, { Name: 'status', Type: 'string' }],
        },
      },
    }));
    const register = gluePartitionRegistrar(client, database);
    const partition = (merchantId: string) => ({ type: 'charges', merchantId, date: '2026-12-07', location: `s3://reports/parquet/merchant=${merchantId}/type=charges/date=2026-12-07/` });

    await register(partition('mer_a'));
    await register(partition('mer_a')); // a second report of the same merchant, type and day
    await register(partition('mer_b'));

    const { Partitions = [] } = await client.send(new GetPartitionsCommand({ DatabaseName: database, TableName: 'charges' }));
    expect(Partitions.map((p) => [p.Values, p.StorageDescriptor?.Location, p.StorageDescriptor?.Columns?.map((c) => c.Name), p.StorageDescriptor?.SerdeInfo?.SerializationLibrary]).sort()).toEqual([
      [['mer_a', 'charges', '2026-12-07'], partition('mer_a').location, ['id', 'status'], 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'],
      [['mer_b', 'charges', '2026-12-07'], partition('mer_b').location, ['id', 'status'], 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'],
    ]);
  });

  it('fails naming the table when the type has none, rather than writing a report Athena cannot see', async () => {
    const client = glue();
    const database = `lanepay_test_${randomUUID().slice(0, 8)}`;
    await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));

    await expect(gluePartitionRegistrar(client, database)({ type: 'charges', merchantId: 'mer_a', date: '2026-12-07', location: 's3://reports/parquet/x/' })).rejects.toThrow();
  });
});
