import { describePageSessions } from '../../helpers/page-sessions.js';

/**
 * docs/tasks.md's shell sessions run as README.md's do (see
 * readme-examples.test.ts): its multipart example sends a file part to
 * taskrest's own files resource and shows the bytes that arrived, so the
 * layout the page describes is the one sent.
 */
describePageSessions(new URL('../../../docs/tasks.md', import.meta.url));
