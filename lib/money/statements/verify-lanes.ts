import { textHash } from '#audit';
import { at, movementsOf, parseBody, type Finding, type ReadRow } from './findings.js';

/**
 * Follows each lane's chain from one row's record to the next: the records between them (the later
 * row's `lane_gap`) must be exactly the lane's records in between, linked by their hashes, and none
 * of them may have moved the balance by a transfer no row shows. And every movement a row's record
 * states must have its row. So a row left out is named, even when its lane also holds records that
 * moved no balance: its record is in some gap, or shares a record with a row still there.
 */
export function laneFindings(rows: ReadRow[]): Finding[] {
  const findings: Finding[] = [];
  const transfers = new Set(rows.map((r) => r.row.transfer_id));
  const records = new Map<string, ReadRow>();
  // The lane gap rides on one row of its record (the first written); any row of it may carry it in a reordered file.
  const gaps = new Map<string, string>();
  for (const read of rows) {
    if (!read.record || !read.row.record_id) continue;
    if (read.row.lane_gap && !gaps.has(read.row.record_id)) gaps.set(read.row.record_id, read.row.lane_gap);
    const first = records.get(read.row.record_id);
    if (!first) records.set(read.row.record_id, read);
    else if (first.row.record_json !== read.row.record_json) findings.push(at(read, 'changed', `its record ${read.row.record_id} differs from line ${first.line}'s copy of it`));
  }
  for (const read of records.values()) {
    for (const movement of movementsOf(read.record)) {
      if (!transfers.has(movement.transfer_id ?? '')) findings.push(at(read, 'missing', `its record ${read.row.record_id} also moved ${movement.net} ${movement.asset} (transfer ${movement.transfer_id}), which no line shows`));
    }
  }
  const lanes = new Map<number, ReadRow[]>();
  for (const read of records.values()) {
    const lane = Number(read.record!.lane);
    lanes.set(lane, [...(lanes.get(lane) ?? []), read]);
  }
  for (const lane of lanes.values()) {
    lane.sort((a, b) => Number(a.record!.seq) - Number(b.record!.seq));
    for (let i = 1; i < lane.length; i += 1) findings.push(...between(lane[i - 1]!, lane[i]!, gaps.get(lane[i]!.row.record_id) ?? '', transfers));
  }
  return findings;
}

/** The chain from `previous`'s record to `next`'s, through the lane gap `next`'s record carries. */
function between(previous: ReadRow, next: ReadRow, gapText: string, transfers: Set<string>): Finding[] {
  const from = Number(previous.record!.seq);
  const to = Number(next.record!.seq);
  let gap: string[];
  try {
    gap = gapText ? JSON.parse(gapText) as string[] : [];
  } catch {
    return [at(next, 'changed', 'its lane_gap is not a JSON list of records')];
  }
  if (!Array.isArray(gap) || gap.length !== to - from - 1) {
    return [at(next, 'missing', `records ${from + 1}..${to - 1} of its lane (after line ${previous.line}'s record) are not all in the file`)];
  }
  let prevHash = previous.row.record_json ? textHash(previous.row.record_json) : '';
  const findings: Finding[] = [];
  for (const [i, text] of gap.entries()) {
    const body = parseBody(String(text));
    if (body?.seq !== from + 1 + i || body.lane !== previous.record!.lane || body.prev_hash !== prevHash) {
      return [at(next, 'changed', `record ${from + 1 + i} of its lane, between line ${previous.line}'s record and its own, does not follow the chain`)];
    }
    for (const movement of movementsOf(body)) {
      if (!transfers.has(movement.transfer_id ?? '')) {
        findings.push(at(next, 'missing', `a line was left out between line ${previous.line} and this one: record ${from + 1 + i} of the lane moved ${movement.net} ${movement.asset} (transfer ${movement.transfer_id})`));
      }
    }
    prevHash = textHash(String(text));
  }
  if (next.record!.prev_hash !== prevHash) findings.push(at(next, 'changed', `its record does not follow line ${previous.line}'s in their lane`));
  return findings;
}
