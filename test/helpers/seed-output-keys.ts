/**
 * The output keys of the TaskREST connector (execution_id, status, message
 * and the connector's output list), sorted. Written out here, not taken from
 * the code, so that a test fails when the product's output drifts from the
 * connector's.
 */
export const SEED_OUTPUT_KEYS = [
  'cookies',
  'encoding',
  'execution_id',
  'headers',
  'json',
  'log',
  'message',
  'status',
  'status_code',
  'text',
];

/** The same keys in the order the connector lists them (an output's own key order). */
export const CONNECTOR_OUTPUT_ORDER = [
  'execution_id',
  'status',
  'message',
  'status_code',
  'headers',
  'text',
  'json',
  'cookies',
  'encoding',
  'log',
];
