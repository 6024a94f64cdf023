// The first step of `npm test` (package.json "pretest"): before the build,
// stops the run at once, in one line with the command that installs it,
// when a program the tests need is missing. No stack trace: exit code 1.
import { missingLine } from './prerequisites.mjs';

const line = missingLine();
if (line !== undefined) {
  process.stderr.write(`${line}\n`);
  process.exitCode = 1;
}
