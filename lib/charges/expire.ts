import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { systemActor, writeAudited } from '../audit/index.js';
import { dueItems } from '../aws/due-items.js';
import { chargeEventItem } from '../events/items.js';
import type { ChargeDeps } from './deps.js';
import { chargeRecordFromItem, expiryPartitions, replaceChargeItem } from './items.js';
import { chargeExpired } from './state.js';

/**
 * Closes every open charge whose time is up and that has nothing in flight (a charge with an
 * unconfirmed deposit closes when that deposit is final). What arrived was credited as each deposit
 * became final; an underpaid charge ends `expired`, flagged `underpaid`. Each close is its own
 * conditional transaction, so a deposit racing the sweep wins or loses cleanly.
 */
export async function expireDueCharges(deps: Pick<ChargeDeps, 'dynamodb' | 'tableName' | 'now'>, limit = 500): Promise<{ expired: number; skipped: number }> {
  const now = deps.now();
  let expired = 0;
  let skipped = 0;
  for await (const item of dueItems(deps, expiryPartitions(), now, limit)) {
    const record = chargeRecordFromItem(item);
    const change = chargeExpired(record, now);
    if (!change) {
      skipped += 1;
      continue;
    }
    try {
      await writeAudited(deps, {
        items: [
          replaceChargeItem(deps.tableName, { ...record, charge: change.charge, lateDeposits: change.lateDeposits, version: record.version + 1 }, record.version),
          chargeEventItem(deps.tableName, record.merchantId, 'charge.expired', change.charge, now).item,
        ],
        audit: { merchantId: record.merchantId, actor: systemActor, action: 'charge.expired', object: { type: 'charge', id: record.charge.id }, at: now },
      });
      expired += 1;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      skipped += 1; // a deposit changed it meanwhile; the next sweep looks again
    }
  }
  return { expired, skipped };
}
