import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { checkResult, type CheckResult } from './reasons.js';

/**
 * Checks a phone number against the numbering plans of libphonenumber (the `max` metadata, which
 * knows the valid number ranges, not only lengths). A number without a `+` prefix is read as a
 * national number of `defaultCountry` (ISO alpha-2, usually the nationality).
 */
export function checkPhone(input: { phone: string; defaultCountry?: string }): CheckResult & { e164: string | null } {
  const parsed = parsePhoneNumberFromString(input.phone, input.defaultCountry as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) return { ...checkResult(['phone_invalid']), e164: null };
  return { ...checkResult([]), e164: parsed.number };
}
