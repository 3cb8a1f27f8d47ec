import { claimAddressPlaceholder, type ClaimView } from '#money';
import { fill, formatAmount } from '../checkout/format.js';
import { checkoutLanguages, languageNames, type CheckoutLanguage } from '../checkout/messages.js';
import { documentHead as pageHead, escapeHtml } from '../checkout/render.js';
import { claimMessages } from './messages.js';

/**
 * A refund's claim page as one HTML document, style and script inline: a pure function of the
 * claim's public view. Shows who refunds what, on which chain, until when, and the exact message
 * to sign; the form (shown by the script, which posts it) takes the address and the signature.
 */
export function renderClaimPage(input: { view: ClaimView; lang: CheckoutLanguage; style: string; script: string }): string {
  const { view, lang } = input;
  const messages = claimMessages[lang];
  const amount = formatAmount(view.amount, view.decimals);
  const title = fill(messages.heading, { amount, asset: view.asset });
  const data = { template: view.message, placeholder: claimAddressPlaceholder, messages };
  const open = view.status === 'open';
  return `${pageHead(lang, `${title} · ${messages.pageTitle}`, input.style, { noReferrer: true })}
<body>
<main id="claim" data-status="${escapeHtml(view.status)}">
${languageSwitch(lang)}
<h1>${escapeHtml(title)}</h1>
<p class="description">${escapeHtml(fill(messages.from, { merchant: view.merchant_name }))}</p>
<div class="status" role="status" aria-live="polite" aria-atomic="true">
<p id="status-text" class="status-text">${escapeHtml(messages.status[view.status])}</p>
<p id="status-hint" class="hint">${escapeHtml(messages.hint[view.status])}</p>
<p id="claimed-to" class="address">${view.address ? escapeHtml(fill(messages.claimedTo, { address: view.address })) : ''}</p>
</div>
<dl>
<dt>${escapeHtml(messages.amountLabel)}</dt><dd id="amount">${escapeHtml(`${amount} ${view.asset}`)}</dd>
<dt>${escapeHtml(messages.networkLabel)}</dt><dd id="network">${escapeHtml(`${view.chain} (chain ID ${view.chain_id})`)}</dd>
<dt>${escapeHtml(messages.expiresLabel)}</dt><dd><time id="expires" datetime="${escapeHtml(view.expires_at)}">${escapeHtml(view.expires_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time></dd>
</dl>
<p id="message-label"><strong>${escapeHtml(messages.messageLabel)}</strong></p>
<pre id="message" class="message" aria-labelledby="message-label">${escapeHtml(view.message)}</pre>
${open ? claimForm(view, messages) : ''}
</main>
<script type="application/json" id="claim-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${input.script}</script>
</body>
</html>
`;
}

function claimForm(view: ClaimView, messages: (typeof claimMessages)[CheckoutLanguage]): string {
  return `<p class="hint">${escapeHtml(messages.messageHint)}</p>
<p id="no-script" class="warning">${escapeHtml(messages.needsScript)}</p>
<form id="claim-form" hidden novalidate>
<label for="address">${escapeHtml(fill(messages.addressLabel, { chain: view.chain }))}</label>
<input id="address" name="address" autocomplete="off" spellcheck="false" inputmode="text" placeholder="0x…" aria-describedby="address-hint" required>
<p id="address-hint" class="hint">${escapeHtml(messages.addressHint)}</p>
<label for="signature">${escapeHtml(messages.signatureLabel)}</label>
<textarea id="signature" name="signature" spellcheck="false" required></textarea>
<p id="claim-error" class="error" role="alert"></p>
<div class="actions">
<button type="button" id="sign-wallet" hidden>${escapeHtml(messages.signWithWallet)}</button>
<button type="submit" id="claim-submit">${escapeHtml(messages.submit)}</button>
</div>
</form>`;
}

/** The 404 page of an unknown claim: no hint whether the id ever existed. */
export function renderClaimNotFoundPage(lang: CheckoutLanguage, style: string): string {
  const messages = claimMessages[lang];
  return `${pageHead(lang, messages.notFoundTitle, style, { noReferrer: true })}
<body>
<main id="claim" data-status="not_found">
${languageSwitch(lang)}
<h1>${escapeHtml(messages.notFoundTitle)}</h1>
<p>${escapeHtml(messages.notFoundBody)}</p>
</main>
</body>
</html>
`;
}

function languageSwitch(current: CheckoutLanguage): string {
  const links = checkoutLanguages.map((lang) =>
    `<a href="?lang=${lang}" lang="${lang}" hreflang="${lang}"${lang === current ? ' aria-current="page"' : ''}>${escapeHtml(languageNames[lang])}</a>`);
  return `<nav class="languages" aria-label="${escapeHtml(claimMessages[current].otherLanguage)}">${links.join('')}</nav>`;
}
