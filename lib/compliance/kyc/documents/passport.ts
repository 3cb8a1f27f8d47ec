import countries from 'i18n-iso-countries/index.js';
import { parse } from 'mrz';
import { utcDay } from './dates.js';
import { mrzNameAgrees } from './mrz-names.js';
import { checkResult, type CheckResult, type KycReasonCode } from './reasons.js';

export interface PassportInput {
  /** The two 44-character lines of an ICAO 9303 TD3 zone (shape checked by the request schema). */
  mrz: [string, string];
  name: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** ISO 3166 alpha-2. */
  nationality: string;
  now: Date;
}

export interface PassportCheck extends CheckResult {
  /** The passport number's last four characters, the only part stored readable; null if unreadable. */
  documentNumberLast4: string | null;
  /** YYYY-MM-DD, when the zone's expiry date is valid. */
  expiresOn: string | null;
}

/**
 * Checks a passport's machine-readable zone with the `mrz` parser: every check digit (document
 * number, birth date, expiry, personal number, composite), known state codes and dates, not
 * expired on `now`, and the holder's name, birth date and nationality agreeing with what was submitted.
 */
export function checkPassport(input: PassportInput): PassportCheck {
  let result: ReturnType<typeof parse>;
  try {
    result = parse(input.mrz);
  } catch {
    return { ...checkResult(['document_invalid']), documentNumberLast4: null, expiresOn: null };
  }
  const reasons: KycReasonCode[] = [];
  if (result.format !== 'TD3' || result.fields.documentCode?.[0] !== 'P') reasons.push('document_invalid');
  for (const detail of result.details) {
    if (detail.valid) continue;
    reasons.push(detail.field?.endsWith('CheckDigit') ? 'document_checksum' : 'document_invalid');
  }
  const { fields } = result;
  const expiresOn = fields.expirationDate ? expiryDate(fields.expirationDate, input.now) : null;
  if (expiresOn !== null && expiresOn < utcDay(input.now)) reasons.push('document_expired');
  // YYMMDD against the submitted date's last two year digits: no century guess needed.
  if (fields.birthDate && fields.birthDate !== input.birthDate.slice(2).replaceAll('-', '')) reasons.push('birth_date_mismatch');
  const zoneNationality = fields.nationality ? alpha2OfIcao(fields.nationality) : undefined;
  if (zoneNationality !== undefined && zoneNationality !== input.nationality) reasons.push('nationality_mismatch');
  const truncated = input.mrz[0][43] !== '<';
  if (!mrzNameAgrees(input.name, { lastName: fields.lastName ?? '', firstName: fields.firstName ?? '', truncated })) reasons.push('name_mismatch');
  const documentNumber = fields.documentNumber?.replace(/</g, '');
  return { ...checkResult(reasons), documentNumberLast4: documentNumber ? documentNumber.slice(-4) : null, expiresOn };
}

/** Passports are valid for at most ten years, so YY is this century unless that is absurdly far ahead. */
function expiryDate(yymmdd: string, now: Date): string {
  let year = 2000 + Number(yymmdd.slice(0, 2));
  if (year > now.getUTCFullYear() + 50) year -= 100;
  return `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

/**
 * ISO alpha-2 of an ICAO nationality code: ISO alpha-3, plus ICAO's own D (Germany) and the
 * British national kinds (GBD, GBN, GBO, GBP, GBS). Undefined for codes that name no country
 * (stateless XXA, refugees XXB/XXC, UN staff UNO...): no nationality to compare.
 */
function alpha2OfIcao(code: string): string | undefined {
  const trimmed = code.replace(/</g, '');
  if (trimmed === 'D') return 'DE';
  if (/^GB[DNOPS]$/.test(trimmed)) return 'GB';
  return countries.alpha3ToAlpha2(trimmed);
}
