import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { consoleBuild } from '#api/pages/console/assets.js';
import { consoleContentSecurityPolicy } from '#api/console/csp.js';
import { consoleApp } from '#api/pages/console/app.js';
import { consoleUi } from '#api/pages/console/ui.js';

const browserDir = path.resolve('api/pages/console/browser');

describe('console shell and assets', () => {
  it('serves a shell that loads only its own hashed script and style sheet, nothing inline', () => {
    const html = consoleUi.html('zh-CN,zh;q=0.9');
    expect(html).toContain('<html lang="zh-CN" data-base="/console">');
    expect(html).toContain(`<script type="module" src="/console/assets/${consoleBuild.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/console/assets/${consoleBuild.style}">`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=/);
    expect(consoleUi.html(undefined)).toContain('<html lang="en"');
  });

  it('is the module the console function serves', () => {
    expect(consoleApp).toBe(consoleUi);
  });

  it('mounts under another base path, escaped', () => {
    expect(consoleUi.html('en', { basePath: '/dev/console/' })).toContain(`src="/dev/console/assets/${consoleBuild.script}"`);
    expect(consoleUi.html('en', { basePath: '/x"><script>' })).not.toContain('"><script>');
  });

  it('names each asset by its content, with its content type', () => {
    expect(Object.keys(consoleUi.assets).sort()).toEqual([consoleBuild.script, consoleBuild.style].sort());
    expect(consoleBuild.script).toMatch(/^app-[\w-]{12}\.js$/);
    expect(consoleUi.assets[consoleBuild.script]!.type).toBe('text/javascript; charset=utf-8');
    expect(consoleUi.assets[consoleBuild.style]!.type).toBe('text/css; charset=utf-8');
  });

  it('keeps the first load within 150 KiB of JavaScript, gzip', () => {
    const script = consoleUi.assets[consoleBuild.script]!.body;
    expect(gunzipSync(gzipSync(script)).toString()).toBe(script);
    expect(consoleBuild.firstLoadGzipBytes).toBe(gzipSync(script, { level: 9 }).length);
    expect(consoleBuild.firstLoadGzipBytes).toBeLessThanOrEqual(150 * 1024);
  });

  it('runs no eval, and its own sources write no HTML from strings (Trusted Types enforced)', () => {
    const script = consoleUi.assets[consoleBuild.script]!.body;
    expect(/\beval\(|new Function\(|insertAdjacentHTML|document\.write/.test(script)).toBe(false);
    // Preact's renderer holds an innerHTML write for dangerouslySetInnerHTML, which the app never uses.
    const sources = fs.readdirSync(browserDir, { recursive: true, encoding: 'utf8' }).filter((file) => /\.tsx?$/.test(file));
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) {
      const text = fs.readFileSync(path.join(browserDir, file), 'utf8');
      expect(/innerHTML|dangerouslySetInnerHTML|outerHTML/.test(text), file).toBe(false);
      // A browser bundle: nothing of lib/ (nor its secrets or Node modules) may be pulled into it.
      expect(/from '(#|node:|(\.\.\/){3,})/.test(text), file).toBe(false);
    }
    const csp = consoleContentSecurityPolicy;
    expect(csp['script-src']).toBe("'self'");
    expect(csp['require-trusted-types-for']).toBe("'script'");
  });
});
