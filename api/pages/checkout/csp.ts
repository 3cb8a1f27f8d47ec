import { createHash } from 'node:crypto';

/**
 * The Content-Security-Policy of the checkout page: nothing runs or loads but the page's own inline
 * style and script (allowed by hash, so an injected script cannot run even if escaping failed), and
 * the page may talk only to its own origin and the WebSocket API.
 */
export function checkoutContentSecurityPolicy(input: { script: string; style: string; websocketUrl: string }): Record<string, string> {
  return {
    'default-src': "'none'",
    'script-src': sourceHash(input.script),
    'style-src': sourceHash(input.style),
    'img-src': "'self' data:",
    'connect-src': `'self' ${new URL(input.websocketUrl).origin}`,
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    'require-trusted-types-for': "'script'",
    'trusted-types': "'none'",
  };
}

/** A CSP source expression for an inline element with exactly this content. */
export function sourceHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}
