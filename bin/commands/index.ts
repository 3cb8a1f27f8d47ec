import type { Command, CommandOptions } from '../command.js';
import stackStatus from './stack-status.js';

/**
 * Every `lanepay` command. Adding one: write bin/commands/<group>-<name>.ts exporting
 * `defineCommand({ name: '<group> <name>', … })` as default, and list it here.
 */
export const commands: Command<CommandOptions>[] = [stackStatus];
