// Sizes of a function's bundle, read from esbuild's metafile (dist/meta.json): every JavaScript file
// it ships (the handler and its chunks), and the part Lambda loads at cold start, the handler and
// the chunks it imports statically. Chunks reached only by `import()` (the SDK's credential
// providers other than the environment's, the OpenAPI document, the QR code library) load on first use.

/**
 * `{ totalKiB, initKiB, files, initFiles }` of function `name`, whose files are `<outDir>/<name>/...`
 * in `metafile`; `files` and `initFiles` are the output paths as the metafile names them.
 */
export function functionSizes(metafile, name, outDir = 'dist') {
  const prefix = `${outDir}/${name}/`;
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.startsWith(prefix) && file.endsWith('.mjs'));
  if (outputs.length === 0) throw new Error(`the build has no output for function ${name} (looked for ${prefix}*.mjs)`);
  const byFile = new Map(outputs);
  const loaded = new Set();
  const visit = (file) => {
    if (loaded.has(file) || !byFile.has(file)) return;
    loaded.add(file);
    for (const imported of byFile.get(file).imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(`${prefix}handler.mjs`);
  const kib = (files) => files.reduce((sum, file) => sum + byFile.get(file).bytes, 0) / 1024;
  return { totalKiB: kib([...byFile.keys()]), initKiB: kib([...loaded]), files: [...byFile.keys()], initFiles: [...loaded] };
}
