/**
 * The `taskrest` package's library entry point: taskrest-client, re-exported
 * whole. Its sources are producer/ and shared/ (the client is built from
 * them, see packages/taskrest-client/), so a service that imports `taskrest`
 * and one that imports `taskrest-client` get the same `TaskProducer` and the
 * same error classes, and a service that installs both loads them once.
 */
export * from 'taskrest-client';
