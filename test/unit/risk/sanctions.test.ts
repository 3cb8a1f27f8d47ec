import { readFileSync } from 'node:fs';
import { getAddress, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import list from '#lib/compliance/risk/ofac-addresses.json' with { type: 'json' };
import { isSanctionedAddress, sanctionsListVersion } from '#lib/compliance/risk/sanctions.js';
import { defaultSdnPath, extractEvmAddresses } from '../../../scripts/ofac-extract.js';

// POTEKHIN, Danil (ent_num 29584): listed in mixed case in the SDN remarks.
const listedAddress = '0x7f367cc41522ce07553e823bf3be79a889debe1b';

describe('isSanctionedAddress', () => {
  it('flags a listed address whatever its letter case', () => {
    const spellings = [listedAddress, listedAddress.toUpperCase().replace('0X', '0x'), getAddress(listedAddress)];

    const results = spellings.map((spelling) => isSanctionedAddress(spelling));

    expect(results).toEqual([true, true, true]);
  });

  it('flags every address in the bundled list', () => {
    const results = list.addresses.map((entry) => isSanctionedAddress(getAddress(entry.address)));

    expect(results.every(Boolean)).toBe(true);
  });

  it('does not flag a freshly generated address', () => {
    const address = Wallet.createRandom().address;

    expect(isSanctionedAddress(address)).toBe(false);
  });
});

describe('bundled OFAC address list', () => {
  it('matches a fresh extraction from the SDN snapshot in data/ofac', () => {
    const fresh = extractEvmAddresses(readFileSync(defaultSdnPath, 'utf8'));

    expect(list.addresses).toEqual(fresh.addresses);
    expect(sanctionsListVersion.count).toBe(fresh.addresses.length);
  });

  it('holds only lowercased 20-byte addresses, sorted and unique', () => {
    const addresses = list.addresses.map((entry) => entry.address);

    expect(addresses.every((address) => /^0x[0-9a-f]{40}$/.test(address))).toBe(true);
    expect([...addresses].sort()).toEqual(addresses);
    expect(new Set(addresses).size).toBe(addresses.length);
  });
});

describe('extractEvmAddresses', () => {
  const row = (entNum: number, name: string, remarks: string): string =>
    `${entNum},"${name}","individual","CYBER2",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"${remarks}"\r\n`;

  it('keeps EVM addresses, counts other currencies and reports malformed 0x addresses', () => {
    const csv =
      row(1, 'A', 'Digital Currency Address - XBT 1abc; Digital Currency Address - ETH 0x' + 'Ab'.repeat(20) + '.') +
      row(2, 'B', 'Digital Currency Address - USDT 0x' + '11'.repeat(20) + '; Digital Currency Address - ETH 0x123;') +
      '\x1a';

    const extraction = extractEvmAddresses(csv);

    expect(extraction.addresses).toEqual([
      { address: '0x' + '11'.repeat(20), entNum: 2, name: 'B', currency: 'USDT' },
      { address: '0x' + 'ab'.repeat(20), entNum: 1, name: 'A', currency: 'ETH' },
    ]);
    expect(extraction.nonEvmByCurrency).toEqual({ XBT: 1 });
    expect(extraction.malformed).toEqual([{ entNum: 2, currency: 'ETH', address: '0x123' }]);
  });

  it('keeps one entry for an address listed under two currencies', () => {
    const address = '0x' + 'cd'.repeat(20);
    const csv = row(3, 'C', `Digital Currency Address - ETH ${address}; Digital Currency Address - ETC ${address};`);

    const extraction = extractEvmAddresses(csv);

    expect(extraction.addresses).toEqual([{ address, entNum: 3, name: 'C', currency: 'ETH' }]);
    expect(extraction.duplicates).toHaveLength(1);
  });

  it('rejects rows whose column count does not match the legacy layout', () => {
    expect(() => extractEvmAddresses('1,"A","individual"\r\n')).toThrow();
  });
});
