import { describe, expect, it } from 'vitest';
import { resolve } from '../../../bin/cli.js';
import { defineCommand, type Command, type CommandOptions } from '../../../bin/command.js';
import { commands } from '../../../bin/commands/index.js';

const noop = async () => 0;
const table = [
  defineCommand({ name: 'merchant show', description: 'shows', options: { merchant: { type: 'string' } }, run: noop }),
  defineCommand({ name: 'merchant create', description: 'creates', options: { name: { type: 'string' } }, run: noop }),
  defineCommand({ name: 'stack status', description: 'checks', options: { json: { type: 'boolean', default: false } }, run: noop }),
] as Command<CommandOptions>[];

describe('lanepay argument resolution', () => {
  it.each([
    [['merchant', 'show', '--merchant', 'mer_1', '--stage', 'dev']],
    [['--stage', 'dev', 'merchant', 'show', '--merchant', 'mer_1']],
    [['merchant', '--stage', 'dev', 'show', '--merchant', 'mer_1']],
    [['--merchant', 'mer_1', 'merchant', 'show', '--stage=dev']],
  ])('finds the command and its flags wherever the flags stand: %j', (argv) => {
    const resolution = resolve(argv, table);
    expect(resolution).toMatchObject({ kind: 'run', values: { stage: 'dev', merchant: 'mer_1' }, positionals: [] });
    expect(resolution.kind === 'run' && resolution.command.name).toBe('merchant show');
  });

  it('defaults --stage to local', () => {
    expect(resolve(['stack', 'status', '--json'], table)).toMatchObject({ kind: 'run', values: { stage: 'local', json: true } });
  });

  it('answers --help for the CLI, a group and a command, before or after the words', () => {
    expect(resolve(['--help'], table)).toMatchObject({ kind: 'help', text: expect.stringContaining('merchant create') });
    expect(resolve([], table)).toMatchObject({ kind: 'help' });
    const group = resolve(['merchant', '-h'], table);
    expect(group).toMatchObject({ kind: 'help', text: expect.stringContaining('merchant show') });
    expect(group.kind === 'help' && group.text).not.toContain('stack status');
    expect(resolve(['-h', 'merchant', 'show'], table)).toMatchObject({ kind: 'help', text: expect.stringMatching(/^Usage: lanepay merchant show/) });
    expect(resolve(['help', 'merchant', 'show'], table)).toMatchObject({ kind: 'help', text: expect.stringContaining('--merchant') });
  });

  it('refuses an unknown command and an option the command does not take, as usage errors', () => {
    expect(resolve(['merchant', 'delete'], table)).toMatchObject({ kind: 'usage-error', text: expect.stringContaining('merchant show') });
    expect(resolve(['payments', 'list'], table)).toMatchObject({ kind: 'usage-error', text: expect.stringMatching(/^Unknown command `lanepay payments list`/) });
    // --name belongs to merchant create, not merchant show.
    expect(resolve(['merchant', 'show', '--name', 'x'], table)).toMatchObject({ kind: 'usage-error', text: expect.stringContaining("Unknown option '--name'") });
  });

  it('gives every real command a description and a help text naming each of its options', () => {
    for (const command of commands) {
      const help = resolve([...command.name.split(' '), '--help'], commands);
      expect(help.kind, command.name).toBe('help');
      for (const option of Object.keys(command.options)) expect(help.kind === 'help' && help.text, command.name).toContain(`--${option}`);
    }
  });
});
