/**
 * Shell sessions written in a Markdown page: a fenced block (```console,
 * ```sh, ```shell or ```bash) whose first line starts with the prompt `$ `.
 * Each prompt line is a command, lines after it that start with the
 * continuation prompt `> ` go on with it (as a shell shows a quoted string
 * that spans lines), and the lines up to the next prompt are what it prints.
 * A shell block without a prompt (`npm ci && npm start   # …`) is a recipe,
 * not a session.
 */

/** One command of a session and what the page says it prints. */
export interface SessionStep {
  /** The command as written, without the prompts (continuation lines joined with newlines). */
  readonly command: string;
  /** The printed lines as the page shows them, joined with newlines. */
  readonly expected: string;
}

/** One session: its commands in order, and where it starts in the page. */
export interface ConsoleSession {
  /** The 1-based line of the page where the fence opens. */
  readonly line: number;
  readonly steps: readonly SessionStep[];
}

const SHELL_FENCE = /^```(console|sh|shell|bash)\s*$/;
const PROMPT = '$ ';
const CONTINUED = '> ';

/** Every session of the page, in order. */
export function consoleSessions(markdown: string): ConsoleSession[] {
  const lines = markdown.split('\n');
  const sessions: ConsoleSession[] = [];
  for (let at = 0; at < lines.length; at++) {
    const fence = /^```/.exec(lines[at] ?? '');
    if (!fence) continue;
    const end = lines.findIndex((line, index) => index > at && line.startsWith('```'));
    if (end === -1) throw new Error(`line ${at + 1}: a fenced block that is never closed`);
    const body = lines.slice(at + 1, end);
    if (SHELL_FENCE.test(lines[at] ?? '') && body[0]?.startsWith(PROMPT)) {
      sessions.push({ line: at + 1, steps: stepsOf(body) });
    }
    at = end;
  }
  return sessions;
}

function stepsOf(body: readonly string[]): SessionStep[] {
  const steps: { command: string[]; expected: string[] }[] = [];
  for (const line of body) {
    const step = steps.at(-1);
    if (line.startsWith(PROMPT)) {
      steps.push({ command: [line.slice(PROMPT.length)], expected: [] });
    } else if (step && step.expected.length === 0 && line.startsWith(CONTINUED)) {
      step.command.push(line.slice(CONTINUED.length));
    } else {
      step?.expected.push(line);
    }
  }
  return steps.map(({ command, expected }) => ({
    command: command.join('\n'),
    expected: expected.join('\n'),
  }));
}
