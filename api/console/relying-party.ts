import type { RelyingParty } from '#merchants';

type Request = { header(name: string): string | undefined };

/**
 * The relying party of the console: the setting (`CONSOLE_ORIGIN`), or the origin the console is
 * requested at. API Gateway's Host is its own domain; locally http on localhost (browsers refuse
 * WebAuthn on an IP address, so the console is opened at http://localhost:<port>/console/).
 */
export function relyingParty(setting: string, request: Request): RelyingParty {
  const origin = setting !== '' ? setting.replace(/\/+$/, '') : `${request.header('x-forwarded-proto') ?? (/^(localhost|127\.0\.0\.1)(:\d+)?$/.test(request.header('host') ?? '') ? 'http' : 'https')}://${request.header('host') ?? ''}`;
  return { id: new URL(origin).hostname, origin };
}

