/**
 * A QR code of `text` (a charge's EIP-681 payment URI) as inline SVG markup, drawn on the server so
 * the page needs no QR library and no image request. Error correction M: wallets scan it off a
 * phone screen, and an EIP-681 URI with a token, chain id, address and amount fits comfortably.
 */
export async function qrSvg(text: string): Promise<string> {
  // Imported on first use: the checkout function's token route never draws one, so its cold start
  // does not load the library (esbuild puts it in a chunk of its own).
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
  // The surrounding element carries the accessible name; the drawing itself is decoration.
  return svg.replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
}
