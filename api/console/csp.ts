/**
 * The console page's Content-Security-Policy: scripts and styles only from its own content-hashed
 * assets (/console/assets/...), requests only to its own origin (the proxy), no framing, no base or
 * plugin tricks, and Trusted Types required, so a string never becomes script.
 */
export const consoleContentSecurityPolicy: Record<string, string> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  'require-trusted-types-for': "'script'",
};
