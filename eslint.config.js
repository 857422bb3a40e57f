import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'src/generated/',
      'packages/*/dist/',
      'packages/*/dist.*/',
      'schematics/**/files/**',
      'bench/results/',
      'dist-bench/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // The starter and its tests use the package as any app would: by name, through its exports.
    files: ['src/**', 'test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/packages/**',
                '**/nest-orchestrator/src/**',
                '**/nest-orchestrator/dist/**',
              ],
              message: "Import 'nest-orchestrator' or one of its subpaths by name.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);
