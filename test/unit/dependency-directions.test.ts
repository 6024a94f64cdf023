/**
 * The rooms of the repo and the directions they may import in are enforced by
 * `npm run lint` (eslint.config.js). These tests prove the rule bites: a wrong
 * import in each room is an error, a right one is not.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Only the import rule, and no type information: the files below do not exist.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

async function importErrors(filePath: string, specifier: string): Promise<string[]> {
  const code = `import * as other from '${specifier}';\nexport const used = other;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('dependency directions', () => {
  it.each([
    ['producer/wrong.ts', '../worker/runtime/task-worker.js'],
    ['producer/wrong.ts', '../api/create-api-server.js'],
    ['producer/wrong.ts', '../cli/command.js'],
    ['worker/wrong.ts', '../producer/task-producer.js'],
    ['worker/grants/wrong.ts', '../../cli/command.js'],
    ['worker/wrong.ts', '../api/api-error.js'],
    ['shared/wrong.ts', '../worker/executor/executor.js'],
    ['worker/executor/wrong.ts', '../runtime/task-worker.js'],
    ['worker/executor/transport/wrong.ts', '../../runtime/running-executions.js'],
    ['worker/executor/wrong.ts', 'bullmq'],
    ['worker/executor/wrong.ts', '../../producer/index.js'],
    ['history/wrong.ts', '../api/create-api-server.js'],
    ['history/wrong.ts', '../worker/runtime/task-worker.js'],
    ['shared/wrong.ts', '../history/index.js'],
    ['shared/files/wrong.ts', '../../producer/index.js'],
    ['api/wrong.ts', '../worker/runtime/task-worker.js'],
    ['api/wrong.ts', '../cli/command.js'],
    ['cli/wrong.ts', '../bench/run.js'],
    ['bench/wrong.ts', '../test/helpers/own-redis-cluster.js'],
    ['console/src/wrong.tsx', '../../api/create-api-server.js'],
    ['console/src/wrong.ts', '../../producer/index.js'],
    ['shared/wrong.ts', '../console/src/app.js'],
    ['library/wrong.ts', '../producer/index.js'],
  ])('%s may not import %s', async (file, specifier) => {
    const errors = await importErrors(file, specifier);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: .*docs\/architecture\.md/);
  });

  it.each([
    ['producer/right.ts', '../shared/config.js'],
    ['worker/runtime/right.ts', '../../shared/task-schema.js'],
    ['worker/runtime/right.ts', '../executor/executor.js'],
    ['worker/runtime/right.ts', 'bullmq'],
    ['worker/executor/right.ts', '../../shared/task-schema.js'],
    ['worker/executor/grants/right.ts', '../transport/transport-options.js'],
    ['history/right.ts', '../shared/config.js'],
    ['api/right.ts', '../history/index.js'],
    ['api/right.ts', '../producer/task-producer.js'],
    ['cli/right.ts', '../worker/runtime/task-worker.js'],
    ['cli/right.ts', '../api/create-api-server.js'],
    ['bench/right.ts', '../shared/redis-cluster-process.js'],
    ['test/unit/right.ts', '../../worker/executor/executor.js'],
    ['console/src/right.tsx', './route.js'],
    ['library/right.ts', 'taskrest-client'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await importErrors(file, specifier)).toEqual([]);
  });
});

describe("the console's imports of shared/", () => {
  const typed = new ESLint({
    cwd: process.cwd(),
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === '@typescript-eslint/no-restricted-imports',
  });

  it('takes types only: a value import of shared/ would bundle Node code into the page', async () => {
    const lint = async (code: string) =>
      ((await typed.lintText(code, { filePath: 'console/src/wrong.ts' }))[0]?.messages ?? [])
        .length;
    expect(
      await lint(
        "import { createRedis } from '../../shared/redis-connection.js';\nexport const r = createRedis;\n",
      ),
    ).toBe(1);
    expect(
      await lint(
        "import type { TaskOutput } from '../../shared/output.js';\nexport type O = TaskOutput;\n",
      ),
    ).toBe(0);
  });
});
