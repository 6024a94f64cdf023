import type { CommandDescriptor, SubcommandForms } from './command-descriptor.js';
// A type only, erased from the build: the registry does not load the command.
import type { FilesAction } from './files-command.js';

/** `taskrest files`' usage line, which its usage errors end with too. */
export const FILES_USAGE = 'usage: taskrest files put NAME PATH|- | get NAME | rm NAME | ls';

/** `taskrest files` in the registry; the command is files-command.ts. */
export const filesDescriptor: CommandDescriptor<'files'> = {
  name: 'files',
  summary: 'the files resource (multipart file parts)',
  synopsis: {
    put: 'files put NAME PATH',
    get: 'files get NAME',
    rm: 'files rm NAME',
    ls: 'files ls',
  } satisfies SubcommandForms<'files', FilesAction['action']>,
  usage: `${FILES_USAGE}

The files resource that multipart file parts name. put prints
{"name", "size"} (PATH - reads stdin); get writes the bytes to stdout;
ls prints one {"name", "size"} line per file.
Exit codes: 0 done, 1 no such file or it failed, 2 usage.
`,
  load: async () => (await import('./files-command.js')).filesCommand,
};
