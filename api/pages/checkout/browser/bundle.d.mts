/** The checkout page's browser script, bundled; `inputs` are the files it was built from. */
export function buildCheckoutBrowserScript(): { text: string; inputs: string[] };
