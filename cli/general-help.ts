import { EXIT_CODES_HELP } from './command.js';
import { formsOf, type CommandDescriptor } from './command-descriptor.js';

/**
 * Where the summaries start: after the indent, the longest form that keeps
 * its summary beside it (`status ID [--queue NAME]`) and the gap.
 */
const SUMMARY_COLUMN = 28;
const INDENT = '  ';
/** The least space between a form and its summary on the same line. */
const GAP = '  ';
/** The width a form on a summary's line is padded to. */
const FORM_WIDTH = SUMMARY_COLUMN - INDENT.length;

/**
 * `taskrest --help`: every command's forms with its summary, then the
 * version flag, the exit codes and where the configuration comes from.
 */
export function generalHelp(commands: readonly CommandDescriptor[]): string {
  const rows = [
    ...commands.flatMap((command) => rowsOf(formsOf(command), command.summary)),
    ...rowsOf(['--version'], 'prints the version'),
  ];
  return `usage: taskrest <command>   (taskrest <command> --help for its own)

${rows.join('\n')}

${EXIT_CODES_HELP}
Configuration comes from the environment: see docs/configuration.md.
`;
}

/**
 * A command's lines: one form and its summary side by side when they fit,
 * else each form on a line of its own and the summary below them.
 */
function rowsOf(forms: readonly string[], summary: string): string[] {
  const [first, ...others] = forms;
  if (first !== undefined && others.length === 0 && first.length + GAP.length <= FORM_WIDTH) {
    return [`${INDENT}${first.padEnd(FORM_WIDTH)}${summary}`];
  }
  return [...forms.map((form) => `${INDENT}${form}`), `${' '.repeat(SUMMARY_COLUMN)}${summary}`];
}

/** True when the arguments ask for help (`--help` or `-h`). */
export function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
