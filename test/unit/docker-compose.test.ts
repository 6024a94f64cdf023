import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { assertCredentialsForHost } from '../../api/exposure-check.js';
import { loadConfig } from '../../shared/config.js';
import { CONFIG_TABLE, CONFIG_VARIABLES } from '../../shared/config-variables.js';

const root = new URL('../../', import.meta.url);
const text = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  deploy?: unknown;
}
const compose = parse(text, { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const { redis, api, worker } = compose.services as Record<'redis' | 'api' | 'worker', Service>;

/** Resolves Compose's `${VAR:-default}` and `${VAR:?message}` as a host with `set` would. */
function interpolate(value: string | number, set: Record<string, string>): string {
  return String(value).replace(
    /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
    (_all, name: string, op, rest: string) => {
      if (set[name] !== undefined) return set[name];
      if (op === '?') throw new Error(`${name} is required: ${rest}`);
      return op === '-' ? rest : '';
    },
  );
}

function environmentOf(service: Service, set: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, set)]),
  );
}

describe('docker-compose.yml', () => {
  it('has redis, postgres, api and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
  });

  it('runs PostgreSQL 15 on a named volume as the history of the api, and workers record into it', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:15/);
    const volume = postgres.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    expect(Object.keys(compose.volumes ?? {})).toContain(volume!.split(':')[0]);
    expect(api.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const service of [api, worker]) {
      expect(
        environmentOf(service, { API_TOKENS: 't', DASHBOARD_USER: 'u', DASHBOARD_PASSWORD: 'p' })
          .TASKREST_HISTORY_URL,
      ).toBe('postgres://taskrest@postgres:5432/taskrest');
    }
  });

  it('runs redis 7 with noeviction and AOF on a named volume', () => {
    expect(redis.image).toMatch(/^redis:7/);
    const command = redis.command ?? [];
    expect(command[0]).toBe('redis-server');
    expect(command.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(command.join(' ')).toContain('--appendonly yes');
    const volume = redis.volumes?.find((v) => v.endsWith(':/data'));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume!.split(':')[0]);
  });

  it('runs `taskrest api` on 0.0.0.0 with its credentials from the environment', () => {
    expect(api.command).toEqual(['api']);
    expect(api.build).toBeDefined();
    const env = api.environment ?? {};
    expect(env.HOST).toBe('0.0.0.0');
    for (const name of ['API_TOKENS', 'DASHBOARD_USER', 'DASHBOARD_PASSWORD']) {
      // Taken from the host, and required: Compose stops with the message when unset.
      expect(String(env[name])).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
    }
    expect(api.ports?.some((p) => /:3000$/.test(p))).toBe(true);
    expect(api.depends_on?.redis?.condition).toBe('service_healthy');
  });

  it('runs `taskrest worker`, scalable with --scale worker=N', () => {
    expect(worker.command).toEqual(['worker']);
    expect(worker.image).toBe(api.image);
    // A fixed container name or host port would make a second replica fail.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.deploy).toBeUndefined();
    expect(worker.depends_on?.redis?.condition).toBe('service_healthy');
    expect(api.container_name).toBeUndefined();
  });

  it('sets only environment variables taskrest reads, and they make a valid configuration', () => {
    const set = { API_TOKENS: 'svc:token', DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'pw' };
    for (const service of [api, worker]) {
      const names = Object.keys(service.environment ?? {});
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(CONFIG_VARIABLES, name).toContain(name);
      const env = environmentOf(service, set);
      // Each value as its own variable's parser (the one loadConfig uses) reads it;
      // empty counts as unset there too.
      for (const [name, value] of Object.entries(env)) {
        const parser = CONFIG_TABLE[name as keyof typeof CONFIG_TABLE].parser;
        expect(parser.safeParse(value === '' ? undefined : value).success, `${name}=${value}`).toBe(
          true,
        );
      }
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      const config = loadConfig(env);
      expect(() => assertCredentialsForHost(config)).not.toThrow();
    }
    // Without the credentials, Compose refuses to start (the api would too).
    expect(() => environmentOf(api, {})).toThrow(/API_TOKENS is required/);
  });
});

describe('Dockerfile', () => {
  it('builds on node:24-slim (Node 24 LTS) with npm ci, builds, prunes dev dependencies, runs the taskrest command', () => {
    expect(dockerfile).toMatch(/^FROM node:24-slim/m);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "dist\/bundle\/taskrest\.js"\]/);
    // The bundle's configuration is there for `npm run build` to read.
    expect(dockerfile).toMatch(/^COPY .*\brolldown\.config\.mjs\b/m);
    // Everything `npm run build` compiles or bundles is copied in before it runs.
    const build = JSON.parse(readFileSync(new URL('tsconfig.build.json', root), 'utf8')) as {
      include: string[];
    };
    for (const dir of [...build.include, 'console']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} `, 'm'));
    }
  });
});
