// `npm run invoke -- <function> <event file>`: runs one function's handler on a sample event
// against the local stack (`npm run dev`) and prints what it returned. Samples live in events/;
// their {{placeholders}} take the ids `npm run lanepay -- demo seed` saved in .local/demo.json.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readDemoSeed } from '../bin/demo/demo-file.js';
import { readLocalStack } from '../bin/stage.js';
import { StackError } from './stack/errors.js';
import { localFunctionEnvironments } from './invoke/environment.js';
import { handlerFile, invokeHandler, judge, loadEvent, type HandlerSource } from './invoke/invoke.js';
import { TemplateError } from './invoke/template.js';

const usage = `Usage: npm run invoke -- [<function>] <event file> [--source] [--print-event]

Runs the function's handler in this process, with the environment serverless-offline gives it,
against the stack \`npm run dev\` started, and prints its result as JSON. The function may be left
out when the file lies in events/<function>/.

  --source       run functions/<function>/handler.ts (default: the bundle dist/<function>/handler.mjs,
                 which \`npm run dev\` and \`npm run build\` keep current)
  --print-event  print the event with its placeholders filled in, and do not invoke
  -h, --help     shows this help

Exit code 0 when the function took the event; 1 when it threw, answered 5xx or failed records.`;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { source: { type: 'boolean', default: false }, 'print-event': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  if (values.help || positionals.length === 0 || positionals.length > 2) {
    (values.help ? console.log : console.error)(usage);
    return values.help ? 0 : 2;
  }
  const file = positionals.at(-1)!;
  const functionName = positionals.length === 2 ? positionals[0]! : functionOf(file);
  const from: HandlerSource = values.source ? 'source' : 'bundle';

  const stack = readLocalStack();
  const event = await loadEvent(file, stack, () => readDemoSeed());
  if (values['print-event']) {
    console.log(JSON.stringify(event, null, 2));
    return 0;
  }
  const environments = await localFunctionEnvironments(stack);
  const handler = handlerFile(environments.handlerOf(functionName), from);
  console.error(`Invoking ${functionName} (${path.relative(process.cwd(), handler.file)}, export ${handler.exportName}) with ${file}`);
  // The function's logs (Powertools writes through console locally) go to stderr, as Lambda's go to
  // CloudWatch, so stdout holds the result alone and pipes into jq.
  const print = console.log;
  console.log = console.info = console.debug = console.error;
  const result = await invokeHandler(functionName, event, environments.of(functionName), from, environments.handlerOf(functionName));
  print(JSON.stringify(result, null, 2));
  const verdict = judge(result);
  if (!verdict.accepted) console.error(`The function did not take the event: ${verdict.reason}.`);
  return verdict.accepted ? 0 : 1;
}

/** events/<function>/<sample>.json → <function>. */
function functionOf(file: string): string {
  const parts = path.resolve(file).split(path.sep);
  const index = parts.lastIndexOf('events');
  if (index < 0 || index + 2 >= parts.length) throw new StackError(`Name the function: ${file} is not in events/<function>/.`);
  return parts[index + 1]!;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof StackError) && !(error instanceof TemplateError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
// Handlers keep SDK clients (sockets) open, as in a warm Lambda container; this run is done.
process.exit();
