import type { Command } from './command.js';

/**
 * One `taskrest` command as the registry (commands.ts) knows it: the words
 * both helps print and how to load the command. Every field is required, and
 * the synopsis and usage must begin with the name, so a command without its
 * help, or with another command's, does not compile.
 *
 * A descriptor imports nothing heavy: the process loads every descriptor to
 * find its command and print the helps, and only the chosen command's module
 * through `load`.
 */
export interface CommandDescriptor<Name extends string = string> {
  /** The word after `taskrest`. */
  readonly name: Name;
  /** What it does, in one line of the general help (`taskrest --help`). */
  readonly summary: string;
  /**
   * How it is called, after `taskrest `, for the general help. A command with
   * subcommands gives one form per subcommand, keyed by it, and checks them
   * with `satisfies SubcommandForms<Name, Action>` against the actions its
   * parser returns: a subcommand the parser takes and the general help
   * leaves out does not compile.
   */
  readonly synopsis: `${Name}${string}` | SubcommandForms<Name, string>;
  /** The whole text of `taskrest NAME --help`. */
  readonly usage: `usage: taskrest ${Name}${string}`;
  /** Imports the command's module and returns the command. */
  readonly load: () => Promise<Command>;
}

/**
 * The forms of a command with subcommands: one per action its parser returns
 * (`Subcommand`), each beginning with the command's name.
 */
export type SubcommandForms<Name extends string, Subcommand extends string> = Readonly<
  Record<Subcommand, `${Name} ${string}`>
>;

/** The forms of a command, one a line of the general help. */
export function formsOf(descriptor: CommandDescriptor): readonly string[] {
  const { synopsis } = descriptor;
  return typeof synopsis === 'string' ? [synopsis] : Object.values(synopsis);
}

/** The command's subcommands (`get` of `schedules get`); none for a command without. */
export function subcommandsOf(descriptor: CommandDescriptor): readonly string[] {
  const { synopsis } = descriptor;
  return typeof synopsis === 'string' ? [] : Object.keys(synopsis);
}
