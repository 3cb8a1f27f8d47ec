import { isIP } from 'node:net';
import type { Stage } from '#platform';
import { classifyAddress, isAllowedAddress } from './address.js';

/** Resolves a host name to every address it has (node:dns `lookup` with `all: true`, or a stub). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export type UrlCheck =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

const maxUrlLength = 2048;

/**
 * The static rules for a webhook URL: absolute, https (http only on the local stage), no
 * credentials, no fragment. DNS is checked by `checkDestination`.
 */
export function parseEndpointUrl(text: string, stage: Stage): { ok: true; url: URL } | { ok: false; reason: string } {
  if (text.length > maxUrlLength) return { ok: false, reason: `must be at most ${maxUrlLength} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'must be an absolute URL' };
  }
  const schemes = stage === 'local' ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return { ok: false, reason: stage === 'local' ? 'must be an http or https URL' : 'must be an https URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  if (url.hash) return { ok: false, reason: 'must not carry a fragment' };
  if (!url.hostname) return { ok: false, reason: 'must name a host' };
  return { ok: true, url };
}

/**
 * Resolves the URL's host and accepts it only if EVERY address is allowed (a host with one public
 * and one private address is refused: the connection could pick either). Returns the address to
 * connect to, so the caller pins it and a second DNS answer cannot swap it (DNS rebinding).
 */
export async function checkDestination(url: URL, stage: Stage, resolve: Resolver): Promise<UrlCheck> {
  const allowLoopback = stage === 'local';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: 'host does not resolve' };
    }
  }
  if (addresses.length === 0) return { ok: false, reason: 'host does not resolve' };
  const refused = addresses.find((entry) => !isAllowedAddress(entry.address, { allowLoopback }));
  if (refused) return { ok: false, reason: `host resolves to a ${classifyAddress(refused.address)} address` };
  const first = addresses[0]!;
  return { ok: true, url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
