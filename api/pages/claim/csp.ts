import { sourceHash } from '../checkout/csp.js';

/**
 * The claim page's Content-Security-Policy, as strict as checkout's and stricter where it can be:
 * only its own inline style and script (by hash), requests only to its own origin (the claim POST;
 * no WebSocket), no forms submitted by the browser (the script posts), no frames, no HTML sinks.
 */
export function claimContentSecurityPolicy(input: { script: string; style: string }): Record<string, string> {
  return {
    'default-src': "'none'",
    'script-src': sourceHash(input.script),
    'style-src': sourceHash(input.style),
    'img-src': "'none'",
    'connect-src': "'self'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    'require-trusted-types-for': "'script'",
    'trusted-types': "'none'",
  };
}
