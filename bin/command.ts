import type { ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

/**
 * Options a command declares, in node's `util.parseArgs` form, each with an optional line for
 * `--help` (parseArgs ignores the extra key).
 */
export type CommandOptions = Record<string, ParseArgsOption & { description?: string; placeholder?: string }>;

/** The parsed values of a command's options plus the ones every command takes. */
export type OptionValues<O extends CommandOptions> = ReturnType<
  typeof parseArgs<{ options: O & typeof commonOptions; allowPositionals: true; strict: true }>
>['values'];

export interface CommandContext<O extends CommandOptions> {
  /** `--stage`: `local` means the stack `npm run dev` started; anything else is a real AWS account. */
  stage: string;
  values: OptionValues<O>;
  positionals: string[];
  /** Where results go (stdout); progress and errors go to stderr. */
  print: (text: string) => void;
}

export interface Command<O extends CommandOptions = CommandOptions> {
  /** Words after `lanepay`, e.g. `stack status` (file bin/commands/stack-status.ts). */
  name: string;
  description: string;
  options: O;
  /** Commands that only make sense against `npm run dev`'s stack refuse other stages. */
  localOnly?: boolean;
  /** Resolves to the exit code. Throw StackError for failures the user can act on. */
  run(context: CommandContext<O>): Promise<number>;
}

/** Keeps each command's option types attached to its `run` while the table holds them all. */
export function defineCommand<O extends CommandOptions>(command: Command<O>): Command<O> {
  return command;
}

export const commonOptions = {
  stage: {
    type: 'string',
    default: 'local',
    placeholder: 'name',
    description: 'local: the stack `npm run dev` started; dev, prod: your default AWS credentials and region',
  },
  help: { type: 'boolean', short: 'h', default: false, description: 'shows this help' },
} as const satisfies CommandOptions;
