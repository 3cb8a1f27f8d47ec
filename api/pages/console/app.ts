import { createHash } from 'node:crypto';
import { signInScript } from './sign-in-script.js';

/**
 * What the console function serves (functions/console): the page's HTML shell for a locale, and its
 * static assets by content-hashed name (GET /console/assets/{name}, cached for a year). The page
 * chooses what to show from its path; it talks only to /console/session... and /console/api/....
 *
 * This is the minimal sign-in page (member key and code, passkeys, sign-out) the console starts with;
 * the console's pages replace this module with their built bundle, keeping this shape.
 */
export interface ConsoleAsset {
  /** Content-Type. */
  type: string;
  body: string;
}

export interface ConsoleApp {
  /** The HTML shell; `locale` is `en` or `zh-CN` (from Accept-Language or the page's own choice). */
  html(locale?: string): string;
  assets: Record<string, ConsoleAsset>;
}

const hashed = (stem: string, ext: string, body: string) => `${stem}-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.${ext}`;

const script = hashed('sign-in', 'js', signInScript);
const styles = 'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{display:block;width:100%;font:inherit;padding:.4rem}button{margin-top:1rem;font:inherit;padding:.4rem 1rem}[hidden]{display:none}';
const stylesheet = hashed('sign-in', 'css', styles);

export const consoleApp: ConsoleApp = {
  html: (locale = 'en') => `<!doctype html>
<html lang="${locale === 'zh-CN' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Lanepay console</title>
<link rel="stylesheet" href="/console/assets/${stylesheet}">
<script type="module" src="/console/assets/${script}"></script>
</head>
<body>
<main>
<h1>Lanepay console</h1>
<section id="signed-out" aria-labelledby="sign-in-heading">
<h2 id="sign-in-heading">Sign in</h2>
<form id="totp-form">
<label for="member-key">Member key</label>
<input id="member-key" name="member_key" autocomplete="off" required>
<label for="code">One-time code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Sign in</button>
</form>
<button type="button" id="passkey-sign-in">Sign in with a passkey</button>
</section>
<section id="signed-in" hidden aria-labelledby="session-heading">
<h2 id="session-heading">Signed in</h2>
<p id="who"></p>
<button type="button" id="register-passkey">Register a passkey</button>
<button type="button" id="sign-out">Sign out</button>
</section>
<p id="status" role="status" aria-live="polite"></p>
</main>
</body>
</html>`,
  assets: {
    [script]: { type: 'text/javascript; charset=utf-8', body: signInScript },
    [stylesheet]: { type: 'text/css; charset=utf-8', body: styles },
  },
};
