/**
 * The ledger's unit per asset. A merchant's USDC balance spans chains, so ledger minor units are
 * fixed per asset and scaled to each chain's token decimals at payout (USDC has 18 on some chains).
 */
export const ledgerDecimals: Record<string, number> = { USDC: 6 };

export function toChainUnits(amountMinor: bigint, asset: string, tokenDecimals: number): bigint {
  const decimals = ledgerDecimals[asset];
  if (decimals === undefined) throw new Error(`no ledger decimals for ${asset}`);
  if (tokenDecimals < decimals) throw new Error(`${asset} token with ${tokenDecimals} decimals cannot represent ledger units of ${decimals}`);
  return amountMinor * 10n ** BigInt(tokenDecimals - decimals);
}
