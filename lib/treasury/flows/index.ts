// Flow totals: each booked payment counted once into hourly buckets per chain and asset, from the
// event stream; the history the forecast job reads (and synthetic histories for seeding).
export { payoutSeries, readFlowBuckets, recordFlowEvent } from './flow-totals.js';
export type { FlowRecordOutcome, FlowTotalsDeps } from './flow-totals.js';
export { epochHour, flowRetentionDays, hourLabel } from './flow-items.js';
export type { FlowBucket } from './flow-items.js';
export { syntheticFlows, writeFlowBuckets } from './synthetic.js';
export type { SyntheticFlowOptions } from './synthetic.js';
