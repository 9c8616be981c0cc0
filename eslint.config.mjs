import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: { globals: { ...globals.node } }
  },
  {
    // Type-aware rules: a promise is awaited, returned or marked `void` on purpose, and never
    // handed to something that expects a plain function (an event handler) by mistake.
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }]
    }
  },
  {
    // No import cycles in the app's sources.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })]
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn'
    }
  },
  {
    // The engine is pure Node: never Electron, the DOM, the session layer or the renderer.
    files: ['src/main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react'],
          patterns: [
            '**/session/**',
            '**/renderer/**',
            '**/preload/**',
            '**/runner/**',
            '**/cli/**',
            '**/main/index',
            '**/ipc',
            '**/web-host',
            '**/web',
            '**/cli'
          ]
        }
      ]
    }
  },
  {
    // What both sides share: no Node, no Electron, no React, nothing of main or the renderer.
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron', 'react'], patterns: ['node:*', '**/main/**', '**/renderer/**'] }] }
  },
  {
    // The renderer never touches sockets.
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['net', 'dgram', 'node:net', 'node:dgram', 'electron'], patterns: ['**/main/**'] }]
    }
  },
  {
    // Tests match terminal output, ANSI escapes included.
    files: ['test/**/*.ts', 'e2e/**/*.ts'],
    rules: { 'no-control-regex': 'off' }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  }
)
