// Finds the command in argv, parses its options and runs it. Flags may stand anywhere: before the
// command words, between them or after them (`lanepay --stage dev merchant show --merchant m`).
import { parseArgs } from 'node:util';
import { StackError } from '../scripts/stack/errors.js';
import { commonOptions, type Command, type CommandOptions } from './command.js';

export const usageExit = 2;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** What argv asks for: a command with its parsed options, help, or a usage error to print. */
export type Resolution =
  | { kind: 'run'; command: Command<CommandOptions>; values: Record<string, unknown> & { stage: string }; positionals: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; text: string };

export function resolve(argv: string[], commands: Command<CommandOptions>[]): Resolution {
  // First pass: every option any command knows, so `--stage dev` is read as one flag with its
  // value and `dev` is not mistaken for a command word. Unknown flags wait for the strict pass.
  const allOptions = Object.assign({}, ...commands.map((command) => command.options), commonOptions) as CommandOptions;
  const loose = parseArgs({ args: argv, options: allOptions, allowPositionals: true, strict: false });
  const words = loose.positionals[0] === 'help' ? loose.positionals.slice(1) : loose.positionals;
  const askedForHelp = loose.values.help === true || loose.positionals[0] === 'help';
  const command = longestMatch(words, commands);

  if (command === undefined) {
    const group = commands.filter((c) => words.length > 0 && words.every((word, index) => c.name.split(' ')[index] === word));
    if (group.length > 0) return { kind: askedForHelp ? 'help' : 'usage-error', text: overview(group, words.join(' ')) };
    if (words.length === 0) return { kind: askedForHelp || argv.length === 0 ? 'help' : 'usage-error', text: overview(commands) };
    return { kind: 'usage-error', text: `Unknown command \`lanepay ${words.join(' ')}\`.\n\n${overview(commands)}` };
  }
  if (askedForHelp) return { kind: 'help', text: commandHelp(command) };

  let strict;
  try {
    strict = parseArgs({ args: argv, options: { ...command.options, ...commonOptions }, allowPositionals: true, strict: true });
  } catch (error) {
    return { kind: 'usage-error', text: `${(error as Error).message}\n\n${commandHelp(command)}` };
  }
  // The command's words are the first positionals; anything after them belongs to the command.
  const positionals = strict.positionals.slice(command.name.split(' ').length);
  return { kind: 'run', command, values: strict.values as Record<string, unknown> & { stage: string }, positionals };
}

/** Runs argv and resolves to the exit code; a StackError is the user's news: one line, exit 1. */
export async function runCli(argv: string[], commands: Command<CommandOptions>[], io: CliIo): Promise<number> {
  const resolution = resolve(argv, commands);
  if (resolution.kind === 'help') {
    io.out(resolution.text);
    return 0;
  }
  if (resolution.kind === 'usage-error') {
    io.err(resolution.text);
    return usageExit;
  }
  const { command, values, positionals } = resolution;
  try {
    if (command.localOnly && values.stage !== 'local') {
      throw new StackError(`\`lanepay ${command.name}\` works on the local stack only (\`npm run dev\`); drop --stage ${values.stage}.`);
    }
    return await command.run({ stage: values.stage, values: values as never, positionals, print: io.out });
  } catch (error) {
    if (!(error instanceof StackError)) throw error;
    io.err(error.message);
    return 1;
  }
}

/** The command whose words begin `words`, preferring the longest (`merchant key rotate` over `merchant key`). */
function longestMatch(words: string[], commands: Command<CommandOptions>[]): Command<CommandOptions> | undefined {
  return commands
    .filter((command) => command.name.split(' ').every((word, index) => words[index] === word))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

export function overview(commands: Command<CommandOptions>[], group?: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: lanepay ${group ? `${group} ` : ''}<command> [options]`,
    '',
    'Commands:',
    ...commands
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((command) => `  ${command.name.padEnd(width)}  ${command.description}`),
    '',
    'Every command takes --stage <name> (default local: the stack `npm run dev` started;',
    'other stages use your default AWS credentials and region) and --help.',
    'Options may come before, between or after the command words.',
  ].join('\n');
}

export function commandHelp(command: Command<CommandOptions>): string {
  const entries = Object.entries({ ...command.options, ...commonOptions } as CommandOptions);
  const flags = entries.map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : '';
    const value = option.type === 'string' ? ` <${option.placeholder ?? 'value'}>` : '';
    return `${short}--${name}${value}`;
  });
  const width = Math.max(...flags.map((flag) => flag.length));
  const lines = entries.map(([, option], index) => {
    const fallback = option.default !== undefined && option.type === 'string' ? ` (default ${String(option.default)})` : '';
    const text = `${option.description ?? ''}${fallback}`.trim();
    return text ? `  ${flags[index]!.padEnd(width)}  ${text}` : `  ${flags[index]}`;
  });
  return [
    `Usage: lanepay ${command.name} [options]`,
    '',
    command.description,
    ...(command.localOnly ? ['Works on the local stack only.'] : []),
    '',
    'Options:',
    ...lines,
  ].join('\n');
}
