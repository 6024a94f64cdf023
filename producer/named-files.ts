import type { ValidationIssue } from '../shared/errors/invalid-task-error.js';
import type { FilesStore } from '../shared/files/files-store.js';
import type { TaskInput } from '../shared/task-schema.js';

/** A file that a task's multipart part names, and where the part's field is (for an issue's path). */
export interface NamedFile {
  /** `multipart.parts.1.file`, after `at` when given (`2.task.multipart.parts.1.file`). */
  readonly path: string;
  readonly name: string;
}

/**
 * The files a valid task's multipart parts name, in part order; `at` is
 * where the task sits in what was handed in (a bulk's `2` or `2.task`).
 */
export function namedFiles(task: TaskInput, at = ''): NamedFile[] {
  const named: NamedFile[] = [];
  task.multipart?.parts.forEach((part, index) => {
    if (part.file === undefined) return;
    const path = `multipart.parts.${index}.file`;
    named.push({ path: at === '' ? path : `${at}.${path}`, name: part.file });
  });
  return named;
}

/**
 * An issue for each named file the files resource does not hold. A task
 * naming a file that is not there would fail every time it runs, so it is
 * refused when it is enqueued; all the names are looked up in one Redis
 * command, and nothing is sent when no file is named.
 */
export async function missingFileIssues(
  files: Pick<FilesStore, 'missing'>,
  named: readonly NamedFile[],
): Promise<ValidationIssue[]> {
  if (named.length === 0) return [];
  const missing = new Set(await files.missing([...new Set(named.map((file) => file.name))]));
  return named
    .filter((file) => missing.has(file.name))
    .map((file) => ({
      path: file.path,
      message: `no file ${JSON.stringify(file.name)} in the files resource`,
    }));
}
