import { buildConsoleAssets, type ConsoleBuild } from './browser/bundle.mjs';

/**
 * The console's browser app and style sheet (api/pages/console/browser), content-hashed. In a
 * function bundle esbuild.config.mjs replaces this module with the files built at bundle time, so
 * the Lambda neither ships nor runs esbuild; run from sources (tsx, vitest) it is built here once.
 */
export const consoleBuild: ConsoleBuild = buildConsoleAssets();
