// Finds or installs the Chromium the browser tests drive (test/e2e/checkout-page.test.ts):
// Debian's `chromium` package, /usr/bin/chromium. `npm run browser:install` runs this alone.
//
// Why apt as root, not a browser download: the machines this project runs on (developers' and CI,
// both as root) reach Debian's archive but no browser CDN, and apt resolves Chromium's ~80 shared
// libraries (NSS, GTK, fonts) that a bare extracted .deb would lack on a clean machine. As another
// user, install the package yourself or point LANEPAY_CHROMIUM at a Chromium binary.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const debianChromium = '/usr/bin/chromium';
/** A small CJK font (5 MiB), so screenshots of the Simplified Chinese page show characters, not boxes. */
const cjkFont = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const packages = ['chromium', 'fonts-wqy-microhei'];

export class ChromiumUnavailableError extends Error {
  override name = 'ChromiumUnavailableError';
}

/** The Chromium binary to launch, installing Debian's package first when it is missing and we are root. */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const chosen = process.env.LANEPAY_CHROMIUM;
  if (chosen) {
    if (!isExecutable(chosen)) throw new ChromiumUnavailableError(`LANEPAY_CHROMIUM=${chosen} is not an executable file.`);
    return chosen;
  }
  if (isExecutable(debianChromium) && isReadable(cjkFont)) return debianChromium;
  if (process.getuid?.() !== 0) {
    throw new ChromiumUnavailableError(
      `${debianChromium} or a CJK font is missing and installing them needs root: run \`sudo apt-get install -y ${packages.join(' ')}\`, or set LANEPAY_CHROMIUM to a Chromium binary.`,
    );
  }
  log('installing Debian chromium with apt-get (once per machine)…');
  // The package lists may be absent on a fresh machine or stale on an old one: update, then install.
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
    if (run.status !== 0) {
      throw new ChromiumUnavailableError(`apt-get ${args.join(' ')} failed (exit ${run.status}):\n${(run.stderr || run.stdout).slice(-2000)}`);
    }
  }
  if (!isExecutable(debianChromium)) throw new ChromiumUnavailableError(`apt-get installed chromium, yet ${debianChromium} is missing.`);
  log(`installed ${debianChromium}`);
  return debianChromium;
}

function isExecutable(file: string): boolean {
  return hasAccess(file, constants.X_OK);
}

function isReadable(file: string): boolean {
  return hasAccess(file, constants.R_OK);
}

function hasAccess(file: string, mode: number): boolean {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(error instanceof ChromiumUnavailableError ? error.message : error);
    process.exit(1);
  }
}
