import * as z from 'zod';

/** infra/slos.json: the SLOs, read by `lanepay slo report` as plugins/slo-alarms.cjs reads them to build alarms. */
const sliSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ratio'), service: z.string().min(1), bad: z.string().min(1), total: z.string().min(1) }),
  z.strictObject({ kind: z.literal('threshold'), service: z.string().min(1), metric: z.string().min(1), threshold: z.number(), unit: z.string().min(1) }),
]);

export const sloConfigSchema = z.strictObject({
  $comment: z.string().optional(),
  windowDays: z.number().int().positive(),
  burnRateAlarms: z.array(z.strictObject({ name: z.string(), longMinutes: z.number().int(), shortMinutes: z.number().int(), burnRate: z.number() })),
  slos: z.array(z.strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string(),
    description: z.string(),
    objective: z.number().gt(0).lt(100),
    sli: sliSchema,
  })),
});
export type SloConfig = z.infer<typeof sloConfigSchema>;
export type Slo = SloConfig['slos'][number];

/**
 * One metric datum as the functions log it in Embedded Metric Format: its service, time, the values
 * of each metric (a flush carries up to 100 per name) and the metadata logged with them.
 */
export interface MetricDatum {
  service: string;
  timestampMs: number;
  values: Record<string, number[]>;
  metadata: Record<string, unknown>;
}

/** What one SLO's events came to over the window: counts, and what the bad events were, by cause. */
export interface SloTally {
  events: number;
  bad: number;
  causes: Map<string, number>;
}

export interface SloReportRow {
  id: string;
  title: string;
  objective: number;
  events: number;
  bad: number;
  /** Good share in percent, null with no events. */
  sli: number | null;
  /** Share of the window's error budget spent, in percent (over 100: the SLO is missed). */
  budgetSpent: number;
  topCauses: { cause: string; events: number }[];
}

/** The budget: the share of events allowed to be bad, 0.0005 for 99.95 %. */
export function errorBudget(slo: Slo): number {
  return (100 - slo.objective) / 100;
}

/** Tallies one SLO from logged metric data (the local stack's EMF lines). */
export function tallyFromData(slo: Slo, data: Iterable<MetricDatum>): SloTally {
  const tally: SloTally = { events: 0, bad: 0, causes: new Map() };
  const sli = slo.sli;
  for (const datum of data) {
    if (datum.service !== sli.service) continue;
    if (sli.kind === 'ratio') {
      const total = sum(datum.values[sli.total]);
      const bad = sum(datum.values[sli.bad]);
      tally.events += total;
      tally.bad += bad;
      if (bad > 0) addCause(tally, causeOf(datum), bad);
    } else {
      for (const value of datum.values[sli.metric] ?? []) {
        tally.events += 1;
        if (value > sli.threshold) {
          tally.bad += 1;
          addCause(tally, causeOf(datum) ?? `over ${sli.threshold} ${sli.unit}`, 1);
        }
      }
    }
  }
  return tally;
}

export function reportRow(slo: Slo, tally: SloTally, topCauses = 3): SloReportRow {
  const badShare = tally.events === 0 ? 0 : tally.bad / tally.events;
  return {
    id: slo.id,
    title: slo.title,
    objective: slo.objective,
    events: tally.events,
    bad: tally.bad,
    sli: tally.events === 0 ? null : round(100 * (1 - badShare), 4),
    budgetSpent: round((100 * badShare) / errorBudget(slo), 2),
    topCauses: [...tally.causes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, topCauses).map(([cause, events]) => ({ cause, events })),
  };
}

/**
 * The metric data in one log line, if it is an EMF document (`{"_aws": {"CloudWatchMetrics": ...}}`):
 * every other line of the log (the functions' own logs, the emulators') is not.
 */
export function parseEmfLine(line: string): MetricDatum | undefined {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return undefined;
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const aws = emfHeaderSchema.safeParse(document._aws);
  if (!aws.success || typeof document.service !== 'string') return undefined;
  const names = new Set(aws.data.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name)));
  const dimensionNames = new Set(aws.data.CloudWatchMetrics.flatMap((directive) => directive.Dimensions.flat()));
  const values: Record<string, number[]> = {};
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === '_aws' || dimensionNames.has(key)) continue;
    if (names.has(key)) values[key] = (Array.isArray(value) ? value : [value]).filter((v): v is number => typeof v === 'number');
    else metadata[key] = value;
  }
  return { service: document.service, timestampMs: aws.data.Timestamp, values, metadata };
}

const emfHeaderSchema = z.object({
  Timestamp: z.number(),
  CloudWatchMetrics: z.array(z.object({ Dimensions: z.array(z.array(z.string())), Metrics: z.array(z.object({ Name: z.string() })) })),
});

// The cause of a datum's bad events: a 5xx's problem code (api/http/middleware.ts apiMetrics), the chain, or the endpoint.
function causeOf(datum: MetricDatum): string | undefined {
  for (const key of ['code', 'chain', 'endpointId']) {
    const value = datum.metadata[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function addCause(tally: SloTally, cause: string | undefined, events: number): void {
  const key = cause ?? 'unknown';
  tally.causes.set(key, (tally.causes.get(key) ?? 0) + events);
}

function sum(values: number[] | undefined): number {
  return (values ?? []).reduce((total, value) => total + value, 0);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
