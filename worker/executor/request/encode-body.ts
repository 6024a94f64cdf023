import type { Task } from '../../../shared/task-schema.js';
import { fixedBody, type FileSource, type RequestBody } from './request-body.js';
import { createMultipartBody } from './multipart-body.js';

/**
 * Encodes the task's body input (at most one: the schema makes sure) into a
 * RequestBody, or null for a request without body.
 *
 * `data` is the connector's deprecated JSON body: it is sent like `json`, and the
 * caller logs the deprecation.
 *
 * Only a multipart body (whose files may have to be read) comes as a
 * promise: the others are ready at once, and every job is spared the await
 * of an async function (see docs/performance.md).
 */
export function encodeBody(
  task: Task,
  files: FileSource,
): RequestBody | null | Promise<RequestBody> {
  if (task.json !== undefined) return jsonBody(task.json);
  if (task.data !== undefined) return jsonBody(task.data);
  if (task.text != null) return fixedBody(task.text, 'text/plain; charset=utf-8');
  if (task.urlencoded != null) {
    return fixedBody(formEncode(task.urlencoded), 'application/x-www-form-urlencoded');
  }
  if (task.multipart != null) return createMultipartBody(task.multipart, files);
  return null;
}

function jsonBody(value: unknown): RequestBody {
  return fixedBody(JSON.stringify(value) ?? 'null', 'application/json');
}

function formEncode(fields: NonNullable<Task['urlencoded']>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null) form.append(key, String(item));
    }
  }
  return form.toString();
}
