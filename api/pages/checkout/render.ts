import type { CheckoutView } from '#money';
import { fill, formatAmount, formatCountdown } from './format.js';
import { checkoutLanguages, checkoutMessages, languageNames, type CheckoutLanguage } from './messages.js';
import { statusDisplay } from './status.js';

/**
 * The hosted checkout page as one HTML document with its style and script inline: a pure function
 * of the charge's public view, so tests render it without a server. The browser script reads the
 * JSON block `#checkout-data` and takes over from there (api/pages/checkout/browser/main.ts).
 */
export interface CheckoutPageInput {
  view: CheckoutView;
  lang: CheckoutLanguage;
  /** QR code (SVG markup, from api/pages/checkout/qr.ts) per chain name. */
  qrSvgs: Record<string, string>;
  /** Where the browser asks for a realtime token for this charge (POST), relative to the page. */
  realtimeTokenPath: string;
  style: string;
  script: string;
  nowMs: number;
}

/** What the browser script receives in `#checkout-data`. */
export interface CheckoutPageData {
  view: CheckoutView;
  lang: CheckoutLanguage;
  messages: (typeof checkoutMessages)[CheckoutLanguage];
  realtimeTokenPath: string;
}

export function renderCheckoutPage(input: CheckoutPageInput): string {
  const { view, lang } = input;
  const messages = checkoutMessages[lang];
  const status = statusDisplay(view, messages);
  const amount = view.amount === null ? undefined : formatAmount(view.amount, view.decimals);
  const title = amount === undefined ? fill(messages.payAnyAmount, { asset: view.asset }) : fill(messages.payAmount, { amount, asset: view.asset });
  const data: CheckoutPageData = { view, lang, messages, realtimeTokenPath: input.realtimeTokenPath };
  const remainingMs = view.expires_at === null ? 0 : Date.parse(view.expires_at) - input.nowMs;
  return `${documentHead(lang, `${title} · ${messages.pageTitle}`, input.style)}
<body>
<main id="checkout" data-status="${escapeHtml(view.status)}">
${languageSwitch(lang, messages.otherLanguage)}
<h1>${escapeHtml(title)}</h1>
${view.description ? `<p class="description">${escapeHtml(view.description)}</p>` : ''}
<div class="status" role="status" aria-live="polite" aria-atomic="true">
<p id="status-text" class="status-text">${escapeHtml(status.text)}</p>
<p id="status-hint" class="hint">${escapeHtml(status.hint)}</p>
</div>
<p id="countdown-row" class="countdown"${view.expires_at === null || !status.payable ? ' hidden' : ''}>${escapeHtml(messages.timeLeft)}: <time id="countdown" datetime="${escapeHtml(view.expires_at ?? '')}">${formatCountdown(remainingMs)}</time></p>
<section id="pay" aria-label="${escapeHtml(messages.networkLabel)}"${status.payable ? '' : ' hidden'}>
${chainPicker(view, messages.networkLabel)}
${view.addresses.map((address, index) => paymentOption(view, address, index, input.qrSvgs[address.chain] ?? '', messages)).join('\n')}
</section>
<p id="live" class="live" hidden></p>
</main>
<script type="application/json" id="checkout-data">${jsonForScript(data)}</script>
<script>${input.script}</script>
</body>
</html>
`;
}

/** The 404 page of an unknown charge: no hint whether the id ever existed. */
export function renderNotFoundPage(lang: CheckoutLanguage, style: string): string {
  const messages = checkoutMessages[lang];
  return `${documentHead(lang, messages.notFoundTitle, style)}
<body>
<main id="checkout" data-status="not_found">
${languageSwitch(lang, messages.otherLanguage)}
<h1>${escapeHtml(messages.notFoundTitle)}</h1>
<p>${escapeHtml(messages.notFoundBody)}</p>
</main>
</body>
</html>
`;
}

/**
 * Everything before <body> of the hosted pages (checkout, refund claims): phone-sized, unindexed and
 * styled inline (CSP allows that style by hash). `noReferrer` for a page whose URL is a secret.
 */
export function documentHead(lang: CheckoutLanguage, title: string, style: string, options: { noReferrer?: boolean } = {}): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
${options.noReferrer ? '<meta name="referrer" content="no-referrer">\n' : ''}<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>`;
}

function languageSwitch(current: CheckoutLanguage, label: string): string {
  const links = checkoutLanguages.map((lang) =>
    `<a href="?lang=${lang}" lang="${lang}" hreflang="${lang}"${lang === current ? ' aria-current="page"' : ''}>${escapeHtml(languageNames[lang])}</a>`);
  return `<nav class="languages" aria-label="${escapeHtml(label)}">${links.join('')}</nav>`;
}

function chainPicker(view: CheckoutView, legend: string): string {
  const choices = view.addresses.map((address, index) =>
    `<label><input type="radio" name="chain" value="${escapeHtml(address.chain)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(address.chain)}</label>`);
  return `<fieldset id="networks"><legend>${escapeHtml(legend)}</legend>${choices.join('')}</fieldset>`;
}

function paymentOption(
  view: CheckoutView,
  address: CheckoutView['addresses'][number],
  index: number,
  qrSvg: string,
  messages: (typeof checkoutMessages)[CheckoutLanguage],
): string {
  const values = { asset: view.asset, chain: address.chain };
  const id = `address-${index}`;
  // Every option is rendered visible; the script hides all but the chosen one, so without
  // JavaScript the payer still sees every address.
  return `<div class="option" data-chain="${escapeHtml(address.chain)}">
<div class="qr" role="img" aria-label="${escapeHtml(fill(messages.qrLabel, values))}">${qrSvg}</div>
<p id="${id}-label">${escapeHtml(fill(messages.sendTo, values))}</p>
<p id="${id}" class="address" aria-labelledby="${id}-label">${escapeHtml(address.deposit_address)}</p>
<div class="actions">
<button type="button" class="copy" data-address="${escapeHtml(address.deposit_address)}" aria-describedby="${id}">${escapeHtml(messages.copyAddress)}</button>
<a class="wallet" href="${escapeHtml(address.payment_uri)}">${escapeHtml(messages.openInWallet)}</a>
</div>
<p class="feedback" aria-live="polite"></p>
<p class="warning">${escapeHtml(fill(messages.onlyThisToken, values))}</p>
</div>`;
}

/** Hand-written: five replacements, and the page needs no templating library besides. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON inside <script>: `<` escaped so no string in it can close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
