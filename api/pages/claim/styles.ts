import { checkoutStyles } from '../checkout/styles.js';

/** The checkout page's stylesheet, plus the claim form's fields and the message block. */
export const claimStyles = `${checkoutStyles}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
dt{color:var(--muted)}dd{margin:0}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input,textarea{font:inherit;width:100%;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.375rem;background:var(--card);color:var(--fg)}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875rem;min-height:5rem}
pre.message{white-space:pre-wrap;word-break:break-all;font-size:.8125rem;background:var(--bg);padding:.75rem;border-radius:.375rem}
.error{color:var(--bad);min-height:1.5rem}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem}
[data-status=claimed] .status{border-color:var(--ok)}
[data-status=claimed] .status-text{color:var(--ok)}
`;
