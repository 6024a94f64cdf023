// ESLint with the type-aware rules that matter most in queue code:
// a floating promise in a worker is a lost job or an unhandled rejection.
// It also enforces the architecture's dependency directions (docs/architecture.md):
// shared/ imports none of the others; worker/ and producer/ import only shared/;
// api/ imports producer/ and shared/; cli/ may import everything; bench/ everything but
// test/ (which is not built into dist/, where the benchmark runs).
import tseslint from 'typescript-eslint';

/** An import of one of these top-level folders, from anywhere below the repo root. */
const roomImport = (...rooms) => `^(\\.\\./)+(${rooms.join('|')})(/|$)`;

/** Forbids importing the given rooms from the files of one room. */
const onlyImports = (room, forbidden) => ({
  files: [`${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: roomImport(...forbidden),
            message: `${room}/ must not import ${forbidden.join('/, ')}/ (see docs/architecture.md).`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'eslint.config.js', '.cache/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
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
  onlyImports('shared', ['worker', 'producer', 'api', 'cli', 'bin', 'bench', 'test']),
  onlyImports('worker', ['producer', 'api', 'cli', 'bin', 'bench', 'test']),
  onlyImports('producer', ['worker', 'api', 'cli', 'bin', 'bench', 'test']),
  onlyImports('api', ['worker', 'cli', 'bin', 'bench', 'test']),
  onlyImports('cli', ['bin', 'bench', 'test']),
  onlyImports('bench', ['test']),
  {
    // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
