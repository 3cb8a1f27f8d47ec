/**
 * The page's stylesheet, inlined (no CDN, no second request). Mobile first: one column up to
 * 30rem, large touch targets, visible keyboard focus, system fonts with CJK fallbacks.
 */
export const checkoutStyles = `
:root{color-scheme:light dark;--fg:#111827;--muted:#4b5563;--bg:#f3f4f6;--card:#fff;--line:#d1d5db;--accent:#1d4ed8;--ok:#047857;--warn:#b45309;--bad:#b91c1c}
@media (prefers-color-scheme:dark){:root{--fg:#f9fafb;--muted:#d1d5db;--bg:#111827;--card:#1f2937;--line:#4b5563;--accent:#93c5fd;--ok:#6ee7b7;--warn:#fcd34d;--bad:#fca5a5}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:30rem;margin:0 auto;padding:1rem;background:var(--card);min-height:100vh}
@media (min-width:32rem){main{margin:2rem auto;min-height:0;border-radius:.75rem;border:1px solid var(--line);padding:1.5rem}}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
.languages{display:flex;gap:1rem;justify-content:flex-end;font-size:.875rem}
.languages a{color:var(--accent);padding:.5rem .25rem}
.languages a[aria-current]{color:var(--muted);text-decoration:none}
.description{color:var(--muted);margin:.25rem 0 1rem}
.status{border-left:4px solid var(--accent);padding:.5rem .75rem;margin:1rem 0;background:color-mix(in srgb,var(--accent) 8%,transparent)}
.status-text{font-weight:600;font-size:1.125rem;margin:0}
.hint{margin:.25rem 0 0;color:var(--muted)}
.hint:empty{display:none}
[data-status=succeeded] .status,[data-status=overpaid] .status{border-color:var(--ok)}
[data-status=succeeded] .status-text,[data-status=overpaid] .status-text{color:var(--ok)}
[data-status=underpaid] .status{border-color:var(--warn)}
[data-status=expired] .status,[data-status=canceled] .status{border-color:var(--bad)}
.countdown{font-variant-numeric:tabular-nums;margin:.5rem 0}
.countdown time{font-weight:600}
fieldset{border:0;padding:0;margin:1rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
legend{font-weight:600;margin-bottom:.5rem;padding:0}
fieldset label{display:flex;align-items:center;gap:.5rem;min-height:2.75rem;padding:0 .875rem;border:1px solid var(--line);border-radius:.5rem;cursor:pointer}
fieldset label:has(input:checked){border-color:var(--accent);outline:1px solid var(--accent)}
.qr{width:min(16rem,100%);margin:0 auto 1rem;background:#fff;padding:.5rem;border-radius:.5rem}
.qr svg{display:block;width:100%;height:auto}
.address{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9375rem;word-break:break-all;background:var(--bg);padding:.5rem .75rem;border-radius:.375rem;margin:.25rem 0 .5rem;user-select:all}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
button,.wallet{font:inherit;min-height:2.75rem;padding:0 1rem;border-radius:.5rem;border:1px solid var(--accent);cursor:pointer;display:inline-flex;align-items:center}
button{background:var(--accent);color:var(--card)}
.wallet{color:var(--accent);text-decoration:none}
.warning{font-size:.875rem;color:var(--muted)}
.feedback{min-height:1.5rem;margin:.25rem 0;color:var(--ok)}
.live{font-size:.8125rem;color:var(--muted);margin-top:1.5rem}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
[hidden]{display:none!important}
`;
