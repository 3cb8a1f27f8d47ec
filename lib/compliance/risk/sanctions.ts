import list from './ofac-addresses.json' with { type: 'json' };

/**
 * OFAC SDN EVM addresses, lowercased by scripts/ofac-extract.ts. Built once per cold start so each
 * screening is a Set lookup; the list is bundled rather than fetched so screening can't fail open
 * when a download does.
 */
const sanctioned: ReadonlySet<string> = new Set(list.addresses.map((entry) => entry.address.toLowerCase()));

/** Source and date of the bundled snapshot, for audit records of what a payment was screened against. */
export const sanctionsListVersion = { source: list.source, extractedAt: list.extractedAt, count: sanctioned.size } as const;

/** Case-insensitive: checksummed, lowercased and uppercased spellings of an address are one address. */
export function isSanctionedAddress(address: string): boolean {
  return sanctioned.has(address.trim().toLowerCase());
}
