// The `lanepay` CLI: `lanepay <group> <command> [options]`. Commands live in bin/commands/.
import { parseArgs } from 'node:util';
import { StackError } from '../scripts/stack/errors.js';
import { commonOptions, type Command, type CommandOptions } from './command.js';
import { commands } from './commands/index.js';

const usageExit = 2;

// engines pins node 20; the SDK's "node 22 from 2027" notice would trail every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(argv: string[]): Promise<number> {
  const command = findCommand(argv);
  if (command === undefined) {
    const words = argv.filter((arg) => !arg.startsWith('-')).join(' ');
    const askedForHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    if (askedForHelp) {
      console.log(overview());
      return 0;
    }
    console.error(`Unknown command \`lanepay ${words}\`.\n\n${overview()}`);
    return usageExit;
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(command.name.split(' ').length),
      options: { ...command.options, ...commonOptions },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(command)}`);
    return usageExit;
  }
  const values = parsed.values as Record<string, unknown> & { stage: string; help: boolean };
  if (values.help) {
    console.log(commandHelp(command));
    return 0;
  }
  if (command.localOnly && values.stage !== 'local') {
    throw new StackError(`\`lanepay ${command.name}\` works on the local stack only (\`npm run dev\`); drop --stage ${values.stage}.`);
  }
  return command.run({
    stage: values.stage,
    values: values as never,
    positionals: parsed.positionals,
    print: (text) => console.log(text),
  });
}

/** The command whose words begin argv, preferring the longest (`merchant key rotate` over `merchant key`). */
function findCommand(argv: string[]): Command<CommandOptions> | undefined {
  return commands
    .filter((command) => command.name.split(' ').every((word, index) => argv[index] === word))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: lanepay <command> [options]',
    '',
    'Commands:',
    ...commands
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((command) => `  ${command.name.padEnd(width)}  ${command.description}`),
    '',
    'Every command takes --stage <name> (default local: the stack `npm run dev` started;',
    'other stages use your default AWS credentials and region) and --help.',
  ].join('\n');
}

function commandHelp(command: Command<CommandOptions>): string {
  const options = Object.entries({ ...command.options, ...commonOptions }).map(([name, option]) => {
    const value = option.type === 'string' ? ' <value>' : '';
    const fallback = option.default !== undefined && option.type === 'string' ? ` (default ${String(option.default)})` : '';
    return `  --${name}${value}${fallback}`;
  });
  return [`Usage: lanepay ${command.name} [options]`, '', command.description, '', 'Options:', ...options].join('\n');
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof StackError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
