/**
 * What the console function serves (functions/console): the console's pages, built from
 * api/pages/console/browser into content-hashed assets (api/pages/console/ui.ts). The shape the
 * function reads: `{ html(locale?), assets: Record<name, { type, body }> }`.
 */
export { consoleUi as consoleApp, type ConsoleAsset, type ConsoleUi as ConsoleApp } from './ui.js';
