import { describePageSessions } from '../helpers/page-sessions.js';

/**
 * README.md's shell sessions (its ```console blocks with `$ ` prompts) run
 * against a real `taskrest dev` and a real Redis, in order, and print what
 * the README shows: the README cannot drift from what the product prints.
 */
describePageSessions(new URL('../../README.md', import.meta.url));
