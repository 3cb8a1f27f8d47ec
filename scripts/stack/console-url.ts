/**
 * The console's URL on a stack's API origin, with `localhost` for a loopback IP address: browsers
 * refuse WebAuthn (passkeys) on an IP address, and `localhost` is the same server.
 */
export function consoleUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') url.hostname = 'localhost';
  return `${url.origin}/console/`;
}
