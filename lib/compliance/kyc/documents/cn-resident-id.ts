import { cnProvinceCodes } from './cn-regions.js';
import { isoDate, utcDay } from './dates.js';
import { checkResult, type CheckResult, type KycReasonCode } from './reasons.js';

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';

/**
 * The ISO 7064 MOD 11-2 check character of the first 17 digits of a GB 11643-1999 number.
 * Written out because it is three lines; the npm packages that do it bundle region tables we
 * do not want (see cn-regions.ts).
 */
export function cnResidentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return checkCharacters[sum % 11]!;
}

/**
 * Checks a Chinese resident identity number (GB 11643-1999): its check character, that its
 * birth date exists, is not in the future and equals `birthDate`, and that its region code names
 * a province. The shape (17 digits and a digit or X) is the request schema's job.
 */
export function checkCnResidentId(input: { number: string; birthDate: string; now: Date }): CheckResult {
  const number = input.number.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(number)) return checkResult(['document_invalid']);
  const reasons: KycReasonCode[] = [];
  if (cnResidentIdCheckCharacter(number) !== number[17]) reasons.push('document_checksum');
  if (!cnProvinceCodes.has(number.slice(0, 2))) reasons.push('region_unknown');
  const born = isoDate(Number(number.slice(6, 10)), Number(number.slice(10, 12)), Number(number.slice(12, 14)));
  if (born === null || born > utcDay(input.now)) reasons.push('document_invalid');
  else if (born !== input.birthDate) reasons.push('birth_date_mismatch');
  return checkResult(reasons);
}

/** The last four characters, the only part of the number stored readable. */
export function maskCnResidentId(number: string): string {
  return `${'*'.repeat(Math.max(0, number.length - 4))}${number.slice(-4).toUpperCase()}`;
}
