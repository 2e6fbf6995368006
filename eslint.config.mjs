// Lint for the whole monorepo. The Nx module-boundary rule makes the architecture mechanical:
// services never import each other, libraries never import services, and each library may only
// reach the libraries it is meant to build on.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// Who may import whom. Tests may additionally use @sp/testing (see the override below).
const depConstraints = [
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:errors'] },
  { sourceTag: 'type:errors', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:errors'] },
  { sourceTag: 'type:observability', onlyDependOnLibsWithTags: ['type:config'] },
  {
    sourceTag: 'type:identity',
    onlyDependOnLibsWithTags: ['type:errors', 'type:config', 'type:observability'],
  },
  {
    sourceTag: 'type:messaging',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:errors', 'type:config', 'type:observability'],
  },
  {
    sourceTag: 'type:service-kit',
    onlyDependOnLibsWithTags: [
      'type:errors',
      'type:config',
      'type:observability',
      'type:identity',
      'type:messaging',
      'type:contracts',
      'type:persistence',
    ],
  },
  {
    sourceTag: 'type:persistence',
    onlyDependOnLibsWithTags: ['type:errors', 'type:config', 'type:observability'],
  },
  { sourceTag: 'type:validation', onlyDependOnLibsWithTags: ['type:errors'] },
  { sourceTag: 'type:outbound-http', onlyDependOnLibsWithTags: ['type:errors'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:config', 'type:errors'] },
];
const testDepConstraints = depConstraints.map((c) => ({
  ...c,
  onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'],
}));
const boundaryRule = (constraints) => [
  'error',
  {
    allow: [],
    banTransitiveDependencies: false,
    enforceBuildableLibDependency: false,
    depConstraints: constraints,
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.nx/**', 'infra/local/.state/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain CommonJS/ESM scripts run by Node (the run-time alias hook, infra probes).
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @sp/config, not process.env.',
        },
      ],
      '@nx/enforce-module-boundaries': boundaryRule(depConstraints),
    },
  },
  {
    // Configuration is the one door to the environment; scripts, tests and benches set it up.
    files: [
      'libs/config/**/*.ts',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**/*.ts',
      'bench/**/*.ts',
      'libs/testing/**/*.ts',
      'tools/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': boundaryRule(testDepConstraints) },
  },
);
