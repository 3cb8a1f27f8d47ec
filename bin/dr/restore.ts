import {
  CreateBackupCommand, DeleteBackupCommand, DeleteTableCommand, DescribeContinuousBackupsCommand, DescribeTableCommand,
  RestoreTableFromBackupCommand, RestoreTableToPointInTimeCommand, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as delay } from 'node:timers/promises';
import { StackError } from '../../scripts/stack/errors.js';

export interface RestoredCopy {
  tableName: string;
  /** The moment the copy holds the table as of. */
  restorePoint: Date;
  /** How the copy was made, in one line for the report. */
  method: string;
}

const activeDeadlineMs = 60 * 60_000;

/**
 * A copy of the table as of a moment, in a new table. On AWS: point-in-time recovery to `at`, or to
 * the latest restorable time. Locally: moto restores "to a point in time" from the table as it is
 * now, whatever the time asked, which would hide every write made after the restore point; an
 * on-demand backup, which moto takes as a deep copy at that instant, restored into the new table,
 * is a true point-in-time copy (as of the backup), so that is what the drill restores locally.
 */
export async function restoreCopy(dynamodb: DynamoDBClient, stage: string, tableName: string, targetName: string, at?: Date): Promise<RestoredCopy> {
  if (stage === 'local') {
    if (at) throw new StackError('--at is for AWS stages: the local drill restores the table as of the moment it starts (moto cannot restore to an earlier time).');
    const backup = await dynamodb.send(new CreateBackupCommand({ TableName: tableName, BackupName: `${targetName}-point` }));
    const details = backup.BackupDetails!;
    try {
      await dynamodb.send(new RestoreTableFromBackupCommand({ TargetTableName: targetName, BackupArn: details.BackupArn }));
    } finally {
      await dynamodb.send(new DeleteBackupCommand({ BackupArn: details.BackupArn }));
    }
    await waitActive(dynamodb, targetName);
    return { tableName: targetName, restorePoint: details.BackupCreationDateTime ?? new Date(), method: 'on-demand backup restored into a new table (moto: point-in-time restore would copy the table as it is now)' };
  }
  const continuous = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
  const pitr = continuous.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED') throw new StackError(`Point-in-time recovery is not enabled on ${tableName} (infra/table.yml enables it): nothing to restore from.`);
  const restorePoint = at ?? pitr.LatestRestorableDateTime!;
  if (pitr.EarliestRestorableDateTime && restorePoint < pitr.EarliestRestorableDateTime) throw new StackError(`--at ${restorePoint.toISOString()} is before the earliest restorable time ${pitr.EarliestRestorableDateTime.toISOString()}.`);
  await dynamodb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: tableName, TargetTableName: targetName, RestoreDateTime: restorePoint }));
  await waitActive(dynamodb, targetName);
  return { tableName: targetName, restorePoint, method: 'point-in-time recovery into a new table' };
}

export async function deleteCopy(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
}

async function waitActive(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + activeDeadlineMs;
  for (;;) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new StackError(`${tableName} was not ACTIVE within ${activeDeadlineMs / 60_000} minutes of its restore.`);
    await delay(Table?.TableStatus === 'CREATING' ? 5_000 : 1_000);
  }
}
