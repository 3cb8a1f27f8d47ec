import type { AuditMovement } from '#audit';
import { headerLineCount, type StatementRow } from './format.js';

/**
 * What is wrong with a statement: `changed` (a value differs from what its record, the chain or the
 * running balance says), `missing` (a movement left out), `reordered`, `proof` (an inclusion proof
 * or period signature that does not hold), `anchor`, `chain`, `signature` (the file's own).
 */
export type FindingKind = 'changed' | 'missing' | 'reordered' | 'proof' | 'anchor' | 'chain' | 'signature';

export interface Finding {
  kind: FindingKind;
  /** The data row (1-based), its line in the file and its balance transaction id; absent for the file's signature. */
  line?: number;
  file_line?: number;
  id?: string;
  detail: string;
}

/** A row nothing found wrong with, that the file alone cannot prove yet (no closed period, anchor not mined...). */
export interface Unproven {
  line: number;
  id: string;
  reason: string;
}

/** A row as the checks read it: its cells, its place, and its record's body when it has one. */
export interface ReadRow {
  row: StatementRow;
  line: number;
  record?: { merchant_id?: unknown; lane?: unknown; seq?: unknown; prev_hash?: unknown; movements?: unknown };
}

export function at(read: Pick<ReadRow, 'line' | 'row'>, kind: FindingKind, detail: string): Finding {
  return { kind, line: read.line, file_line: read.line + headerLineCount + 1, id: read.row.id, detail: `line ${read.line} (${read.row.id}): ${detail}` };
}

export function movementsOf(body: ReadRow['record']): AuditMovement[] {
  return Array.isArray(body?.movements) ? body.movements as AuditMovement[] : [];
}

export function parseBody(text: string): ReadRow['record'] {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? value as ReadRow['record'] : {};
  } catch {
    return {};
  }
}
