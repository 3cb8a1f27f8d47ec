import { isIP } from 'node:net';

/**
 * What an IP address is, for the SSRF guard. Only `public` addresses may receive webhooks (plus
 * `loopback` on the local stage). IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64,
 * 6to4) are judged by the address they embed, so `::ffff:127.0.0.1` is loopback.
 */
export type AddressClass =
  | 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'cgnat'
  | 'multicast' | 'broadcast' | 'documentation' | 'reserved' | 'invalid';

interface Range {
  base: bigint;
  prefix: number;
  kind: AddressClass | 'embedded-v4-low32' | 'embedded-v4-6to4';
}

const v4Ranges: [string, number, AddressClass][] = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes 169.254.169.254, the cloud metadata service
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

const v6Ranges: [string, number, Range['kind']][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::ffff:0:0', 96, 'embedded-v4-low32'], // IPv4-mapped
  ['64:ff9b::', 96, 'embedded-v4-low32'], // NAT64 well-known prefix
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64
  ['::', 96, 'reserved'], // deprecated IPv4-compatible
  ['100::', 64, 'reserved'], // discard-only
  ['2001:db8::', 32, 'documentation'],
  ['2001::', 23, 'reserved'], // IETF protocol assignments, Teredo included
  ['2002::', 16, 'embedded-v4-6to4'],
  ['fc00::', 7, 'private'], // unique local (RFC 4193)
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // deprecated site-local
  ['ff00::', 8, 'multicast'],
];

const v4Table: Range[] = v4Ranges.map(([address, prefix, kind]) => ({ base: v4ToBigInt(address), prefix, kind }));
const v6Table: Range[] = v6Ranges.map(([address, prefix, kind]) => ({ base: v6ToBigInt(address), prefix, kind }));

/** Classifies an IPv4 or IPv6 literal (IPv6 without brackets; a zone id `%eth0` is ignored). */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return classifyV4(v4ToBigInt(bare));
  if (family === 6) return classifyV6(v6ToBigInt(bare));
  return 'invalid';
}

/** May a webhook be sent to this address? Loopback only where the stage allows it (local). */
export function isAllowedAddress(address: string, options: { allowLoopback: boolean }): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && options.allowLoopback);
}

function classifyV4(value: bigint): AddressClass {
  return (match(v4Table, value, 32)?.kind as AddressClass | undefined) ?? 'public';
}

function classifyV6(value: bigint): AddressClass {
  // Longest prefix wins, so ::1 is loopback rather than part of the IPv4-compatible ::/96.
  const range = match(v6Table, value, 128);
  if (!range) return 'public';
  if (range.kind === 'embedded-v4-low32') return classifyV4(value & 0xffffffffn);
  if (range.kind === 'embedded-v4-6to4') return classifyV4((value >> 80n) & 0xffffffffn);
  return range.kind;
}

function match(table: Range[], value: bigint, bits: number): Range | undefined {
  let best: Range | undefined;
  for (const range of table) {
    const shift = BigInt(bits - range.prefix);
    if (value >> shift === range.base >> shift && (!best || range.prefix > best.prefix)) best = range;
  }
  return best;
}

function v4ToBigInt(address: string): bigint {
  return address.split('.').reduce((sum, octet) => (sum << 8n) + BigInt(Number(octet)), 0n);
}

/** Expands `::` and a trailing dotted quad (`::ffff:1.2.3.4`) into 128 bits. */
function v6ToBigInt(address: string): bigint {
  let text = address.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = v4ToBigInt(quad[1]!);
    text = `${text.slice(0, quad.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group || '0', 16)), 0n);
}
