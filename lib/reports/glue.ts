import { BatchCreatePartitionCommand, GetTableCommand, type GlueClient, type StorageDescriptor } from '@aws-sdk/client-glue';
import type { PartitionRegistrar } from './deps.js';

/**
 * Adds a report file's partition to the Glue table of its type (infra/reports.yml), with the
 * table's own storage descriptor at the partition's location, so Athena reads it. A partition
 * that exists already (another report of the same merchant, type and day) is left as it is.
 */
export function gluePartitionRegistrar(glue: GlueClient, database: string): PartitionRegistrar {
  const descriptors = new Map<string, Promise<StorageDescriptor>>();
  const descriptorOf = (table: string) => {
    let descriptor = descriptors.get(table);
    if (!descriptor) {
      descriptor = glue.send(new GetTableCommand({ DatabaseName: database, Name: table })).then(({ Table }) => {
        if (!Table?.StorageDescriptor) throw new Error(`Glue table ${database}.${table} has no storage descriptor`);
        return Table.StorageDescriptor;
      });
      descriptor.catch(() => descriptors.delete(table));
      descriptors.set(table, descriptor);
    }
    return descriptor;
  };
  return async ({ type, merchantId, date, location }) => {
    const descriptor = await descriptorOf(type);
    const { Errors = [] } = await glue.send(new BatchCreatePartitionCommand({
      DatabaseName: database,
      TableName: type,
      PartitionInputList: [{ Values: [merchantId, type, date], StorageDescriptor: { ...descriptor, Location: location } }],
    }));
    const failed = Errors.filter((error) => error.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
    if (failed.length) throw new Error(`Glue refused partition ${location}: ${failed.map((e) => `${e.ErrorDetail?.ErrorCode} ${e.ErrorDetail?.ErrorMessage}`).join('; ')}`);
  };
}
