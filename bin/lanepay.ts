// The `lanepay` CLI: `lanepay <group> <command> [options]`. Commands live in bin/commands/; the
// dispatch (flags anywhere, --help everywhere) in bin/cli.ts. The build bundles this file into
// dist/cli/lanepay.mjs, which bin/lanepay.mjs runs where the TypeScript source is not at hand.
import { runCli } from './cli.js';
import { commands } from './commands/index.js';

// engines pins node 20; the SDK's "node 22 from 2027" notice would trail every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runCli(process.argv.slice(2), commands, {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
