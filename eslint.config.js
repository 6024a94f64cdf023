// ESLint with the type-aware rules that matter most in queue code:
// a floating promise in a worker is a lost job or an unhandled rejection.
// It also enforces the architecture's dependency directions (docs/architecture.md):
// shared/ imports none of the others; worker/ and producer/ import only shared/, and
// inside worker/, executor/ never imports runtime/ or BullMQ; history/ imports only
// shared/; api/ imports producer/, history/ and shared/; cli/ may import everything;
// bench/ everything but test/ (which is not built into dist/, where the benchmark runs);
// console/ (the browser's) only types of shared/; library/ (the package's entry point,
// which re-exports taskrest-client) none of them.
// Product files stay under 400 lines and their functions under 80.
import tseslint from 'typescript-eslint';

/** An import of one of these top-level folders, from anywhere below the repo root. */
const roomImport = (...rooms) => `^(\\.\\./)+(${rooms.join('|')})(/|$)`;

/** The pattern that forbids importing the given top-level rooms. */
const roomsPattern = (room, forbidden) => ({
  regex: roomImport(...forbidden),
  message: `${room}/ must not import ${forbidden.join('/, ')}/ (see docs/architecture.md).`,
});

/** Forbids importing the given rooms (and any extra patterns) from the files of one room. */
const onlyImports = (room, forbidden, extra = []) => ({
  files: [`${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [roomsPattern(room.split('/')[0], forbidden), ...extra] },
    ],
  },
});

const workerForbids = ['producer', 'api', 'cli', 'bin', 'bench', 'test', 'history', 'console'];

export default tseslint.config(
  {
    ignores: ['dist/**', 'packages/*/dist/**', 'node_modules/**', 'eslint.config.js', '.cache/**'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // test/*.mjs run before the build (npm test's prerequisite check): no tsconfig has them.
        projectService: { allowDefaultProject: ['test/*.mjs', 'rolldown.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  onlyImports('shared', [
    'worker',
    'producer',
    'api',
    'cli',
    'bin',
    'bench',
    'test',
    'history',
    'console',
  ]),
  onlyImports('worker', workerForbids),
  // One execution's request side runs without BullMQ: it never reaches into runtime/.
  onlyImports('worker/executor', workerForbids, [
    {
      regex: '^(\\.\\./)+runtime(/|$)',
      message: 'worker/executor/ must not import worker/runtime/ (see docs/architecture.md).',
    },
    {
      regex: '^bullmq(/|$)',
      message: 'worker/executor/ runs without BullMQ (see docs/architecture.md).',
    },
  ]),
  onlyImports('library', [
    'worker',
    'producer',
    'shared',
    'api',
    'cli',
    'bin',
    'bench',
    'test',
    'history',
    'console',
  ]),
  onlyImports('producer', ['worker', 'api', 'cli', 'bin', 'bench', 'test', 'history', 'console']),
  onlyImports('history', ['worker', 'producer', 'api', 'cli', 'bin', 'bench', 'test', 'console']),
  onlyImports('api', ['worker', 'cli', 'bin', 'bench', 'test', 'console']),
  onlyImports('cli', ['bin', 'bench', 'test', 'console']),
  onlyImports('bench', ['test', 'console']),
  {
    // The console runs in the browser and talks to the API over HTTP only: of the repo it
    // imports types from shared/ and nothing else.
    files: ['console/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            roomsPattern('console', [
              'worker',
              'producer',
              'api',
              'cli',
              'bin',
              'bench',
              'test',
              'history',
            ]),
          ],
        },
      ],
    },
  },
  {
    files: ['console/src/**/*.{ts,tsx}'],
    ignores: ['console/vite.config.ts'],
    rules: {
      // Nothing of shared/ but its types reaches the bundle (it holds Node code).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+shared(/|$)',
              allowTypeImports: true,
              message: 'console/ imports only types from shared/ (see docs/console.md).',
            },
          ],
        },
      ],
      'max-lines-per-function': ['error', { max: 80 }],
      'max-lines': ['error', { max: 400 }],
    },
  },
  {
    // Sizes that keep the centre from growing back into closures that hold everything.
    files: ['{library,worker,producer,api,cli,shared,bin,history}/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80 }],
      'max-lines': ['error', { max: 400 }],
      // One way to keep a member private: ECMAScript's #, private at run time too.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(PropertyDefinition, MethodDefinition, TSParameterProperty)[accessibility="private"]',
          message: 'Use a #private member, not TypeScript `private` (see docs/architecture.md).',
        },
      ],
    },
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
