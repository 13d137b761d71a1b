import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The boundary rule is what keeps libs/core framework-free: core may import only core;
// infra may import core; apps may import both, never each other.
export default [
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core'], bannedExternalImports: ['@nestjs/*', 'bullmq', 'minio', 'prom-client', 'ioredis', 'express'] },
            { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:core'], bannedExternalImports: ['@nestjs/*'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:core', 'scope:infra'] },
          ],
        },
      ],
    },
  },
];
