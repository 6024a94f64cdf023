import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../../shared/errors/config-error.js';

const GRANT_TYPES = ['client_credentials', 'refresh_token'] as const;

const text = (what: string) =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

const grantSchema = z
  .strictObject({
    type: z.enum(GRANT_TYPES, { error: `expected one of ${GRANT_TYPES.join(', ')}` }),
    token_url: text('an http(s) URL').refine(
      (u) => /^https?:\/\/[^/?#]/i.test(u) && URL.canParse(u),
      {
        error: 'expected an absolute http:// or https:// URL',
      },
    ),
    client_id: text('a client id'),
    client_secret: text('a client secret'),
    /** How the client authenticates at the token endpoint (RFC 6749 2.3.1). @defaultValue basic */
    client_auth: z
      .enum(['basic', 'body'], { error: 'expected "basic" or "body"' })
      .default('basic'),
    scope: text('a space-separated list of scopes').optional(),
    audience: text('an audience').optional(),
    refresh_token: text('a refresh token').optional(),
  })
  .superRefine((grant, ctx) => {
    if (grant.type === 'refresh_token' && !grant.refresh_token) {
      ctx.addIssue({
        code: 'custom',
        path: ['refresh_token'],
        message: 'required for type refresh_token',
      });
    }
  });

/** One OAuth 2 grant of the deployment, as GRANTS_FILE configures it. */
export type Grant = z.output<typeof grantSchema>;

/** Grant names: they appear in Redis key names and messages. */
const GRANT_NAME = /^[\w.-]{1,100}$/;

const fileSchema = z
  .record(z.string(), grantSchema, {
    error: 'expected an object of grants: {"<name>": {"type": …, "token_url": …}}',
  })
  .superRefine((grants, ctx) => {
    for (const name of Object.keys(grants).filter((n) => !GRANT_NAME.test(n))) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'grant names are letters, digits, _ . - (at most 100)',
      });
    }
  });

/**
 * Reads and validates GRANTS_FILE once at start. Without a file there are no
 * grants. A missing, unreadable or invalid file throws a ConfigError naming
 * GRANTS_FILE and each bad entry and field, never a value (they are secrets).
 */
export function loadGrantsFile(path: string | undefined): ReadonlyMap<string, Grant> {
  if (path === undefined) return new Map();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why =
      error instanceof SyntaxError
        ? 'not valid JSON'
        : ((error as { code?: string }).code ?? 'unreadable');
    throw new ConfigError(`invalid configuration: GRANTS_FILE ${path}: ${why}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [name, ...field] = issue.path.map(String);
      if (name === undefined) return issue.message;
      return `grant "${name}"${field.length > 0 ? ` ${field.join('.')}` : ''}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: GRANTS_FILE ${path}: ${problems.join('; ')}`);
  }
  return new Map(Object.entries(parsed.data));
}
