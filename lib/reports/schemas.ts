import * as z from 'zod';

/** What a report lists (docs/reports.md has each one's columns). */
export const reportTypes = ['balance_transactions', 'payouts_reconciliation', 'charges'] as const;
export type ReportType = (typeof reportTypes)[number];

export const reportFormats = ['csv', 'parquet'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** The longest interval one report may cover: a year and a day (a leap year, and a bound on one job). */
export const maxIntervalDays = 367;

export const reportIdSchema = z.string().regex(/^rpt_[0-9a-z]{26}$/, 'must be a report id (rpt_...)');

const instantSchema = z.iso.datetime({ offset: true });

/** `[start, end)`: RFC 3339 instants, start before end, at most `maxIntervalDays` apart. */
export const reportIntervalSchema = z.strictObject({
  start: instantSchema,
  end: instantSchema,
}).check((ctx) => {
  const startMs = Date.parse(ctx.value.start);
  const endMs = Date.parse(ctx.value.end);
  if (!(startMs < endMs)) ctx.issues.push({ code: 'custom', input: ctx.value, path: ['end'], message: 'must be later than start' });
  else if (endMs - startMs > maxIntervalDays * 86_400_000) ctx.issues.push({ code: 'custom', input: ctx.value, path: ['end'], message: `must be at most ${maxIntervalDays} days after start` });
});
export type ReportInterval = z.infer<typeof reportIntervalSchema>;

/** Body of POST /v1/reports. */
export const createReportBodySchema = z.strictObject({
  type: z.enum(reportTypes),
  interval: reportIntervalSchema,
  format: z.enum(reportFormats).default('csv'),
});
export type CreateReportBody = z.infer<typeof createReportBodySchema>;

export const reportIdPathSchema = z.strictObject({ id: reportIdSchema });

/** pending: queued or being built; ready: its file is written (GET gives a download URL). */
export const reportStatuses = ['pending', 'ready'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/** The report as merchants see it, in responses and events (never with a download URL in events). */
export const reportSchema = z.object({
  id: z.string(),
  object: z.literal('report'),
  type: z.enum(reportTypes),
  format: z.enum(reportFormats),
  interval: z.object({ start: z.string(), end: z.string() }),
  status: z.enum(reportStatuses),
  /** Rows written, once ready. */
  row_count: z.number().int().nullable(),
  /** payouts_reconciliation: rows whose ledger and chain disagree, once ready; null for other types. */
  mismatch_count: z.number().int().nullable(),
  /** payouts_reconciliation: how many rows have each mismatch kind (a row may have several), once ready. */
  mismatches: z.record(z.string(), z.number().int()).nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  /** Only in GET /v1/reports/{id} once ready: a presigned URL for this one file, valid until `expires_at`. */
  download: z.object({ url: z.string(), expires_at: z.string() }).nullable().optional(),
});
export type Report = z.infer<typeof reportSchema>;
