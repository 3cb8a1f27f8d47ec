import { beforeAll, describe, expect, it } from 'vitest';
import { packagedTemplate, type PackagedTemplate } from '../../../scripts/stack/packaged-template.js';

let template: PackagedTemplate;
beforeAll(() => { template = packagedTemplate(); }, 240_000);
const props = (id: string) => template.Resources[id]!.Properties as Record<string, any>;

describe('disaster recovery in the packaged template (docs/dr.md)', () => {
  it('keeps point-in-time recovery on the table, which every tier-0 restore starts from', () => {
    expect(props('LanepayTable').PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('backs the table up daily for 35 days into a locked, KMS-encrypted vault, copied to the second region\'s vault when one is named', () => {
    expect(props('BackupSelection').BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': ['LanepayTable', 'Arn'] }]);
    const [rule] = props('BackupPlan').BackupPlan.BackupPlanRule;
    expect(rule).toMatchObject({ ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: { Ref: 'BackupVault' } });
    expect(rule.CopyActions).toEqual({ 'Fn::If': ['HasDrBackupVault', [{ DestinationBackupVaultArn: { Ref: 'DrBackupVaultArn' }, Lifecycle: { DeleteAfterDays: 35 } }], { Ref: 'AWS::NoValue' }] });
    expect(props('BackupVault')).toMatchObject({ EncryptionKeyArn: { 'Fn::GetAtt': ['BackupKey', 'Arn'] }, LockConfiguration: { MinRetentionDays: 35 } });
    expect((template.Resources.BackupVault as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });

  it('replicates every audit digest to the replica bucket within 15 minutes when one is named, and only then', () => {
    const replication = props('AuditDigestBucket').ReplicationConfiguration['Fn::If'];
    expect(replication[0]).toBe('HasAuditReplica');
    expect(replication[1].Rules).toEqual([expect.objectContaining({ Status: 'Enabled', Filter: { Prefix: '' }, Destination: expect.objectContaining({ Bucket: { Ref: 'AuditReplicaBucketArn' }, ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } } }) })]);
    expect(replication[2]).toEqual({ Ref: 'AWS::NoValue' });
    for (const id of ['AuditReplicationRole', 'AuditReplicationPolicy']) expect((template.Resources[id] as { Condition?: string }).Condition, id).toBe('HasAuditReplica');
  });
});
