import { writeAudited, type AuditActor } from '#audit';
import {
  acquireIdempotencyKey, completeIdempotencyItem, newId, releaseIdempotencyKey,
} from '#platform';
import type { ReportDeps } from './deps.js';
import { reportEventItem } from './events.js';
import { reportItem } from './items.js';
import type { CreateReportBody, Report } from './schemas.js';

export interface ReportRequest {
  merchantId: string;
  idempotencyKey: string;
  fingerprint: string;
  body: CreateReportBody;
  actor: AuditActor;
}

export interface ReportResult {
  /** `replayed`: the first result of this Idempotency-Key, answered again. */
  outcome: 'created' | 'replayed';
  report: Report;
}

/**
 * Requests a report: ONE transaction writes the pending report, its `report.created` event (which
 * the outbox relay sends to the reports queue: the build job) and the idempotency record, with the
 * audit record of the export. Invalid input never gets here (zod at the edge), so it writes nothing.
 */
export async function createReport(deps: Pick<ReportDeps, 'dynamodb' | 'tableName' | 'now'>, request: ReportRequest): Promise<ReportResult> {
  const acquired = await acquireIdempotencyKey(deps, { merchantId: request.merchantId, key: request.idempotencyKey, fingerprint: request.fingerprint, nowMs: deps.now().getTime() });
  if (acquired.outcome === 'replay') return { ...(acquired.result as ReportResult), outcome: 'replayed' };
  try {
    const now = deps.now();
    const { body } = request;
    const report: Report = {
      id: newId('rpt'),
      object: 'report',
      type: body.type,
      format: body.format,
      // Normalised to UTC with milliseconds, as every instant Lanepay answers.
      interval: { start: new Date(body.interval.start).toISOString(), end: new Date(body.interval.end).toISOString() },
      status: 'pending',
      row_count: null,
      mismatch_count: null,
      mismatches: null,
      created_at: now.toISOString(),
      completed_at: null,
    };
    // As GET answers a report not yet ready: no download (the report's item and events never hold one).
    const result: ReportResult = { outcome: 'created', report: { ...report, download: null } };
    await writeAudited(deps, {
      items: [
        completeIdempotencyItem(deps.tableName, acquired.lock, result),
        { Put: { TableName: deps.tableName, Item: reportItem({ report, merchantId: request.merchantId }), ConditionExpression: 'attribute_not_exists(pk)' } },
        reportEventItem(deps.tableName, request.merchantId, 'report.created', report, now).item,
      ],
      audit: { merchantId: request.merchantId, actor: request.actor, action: 'report.created', object: { type: 'report', id: report.id }, at: now },
    });
    return result;
  } catch (error) {
    await releaseIdempotencyKey(deps, acquired.lock);
    throw error;
  }
}
