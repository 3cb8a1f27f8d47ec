/**
 * Why a document, phone or name check failed: stable codes that decisions, events and the API
 * carry. One code per refusal, so an operator reading `review` or `rejected` knows which check said no.
 */
export const kycReasonCodes = [
  /** A check character or check digit does not match the data it guards. */
  'document_checksum',
  /** A field holds an impossible value: a date that does not exist, an unknown state code. */
  'document_invalid',
  'document_expired',
  'birth_date_mismatch',
  'name_mismatch',
  /** The passport's nationality is not the submitted one. */
  'nationality_mismatch',
  /** The administrative region code of a Chinese resident identity number does not exist. */
  'region_unknown',
  'phone_invalid',
] as const;
export type KycReasonCode = (typeof kycReasonCodes)[number];

/** The result of one check: passed, or the reasons it failed (never empty when failed). */
export interface CheckResult {
  ok: boolean;
  reasons: KycReasonCode[];
}

export function checkResult(reasons: KycReasonCode[]): CheckResult {
  const unique = [...new Set(reasons)];
  return { ok: unique.length === 0, reasons: unique };
}
