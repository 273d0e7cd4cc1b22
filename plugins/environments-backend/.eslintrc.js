// The folders' dependency direction (see src/model/README.md): model/ stands
// alone, and kubernetes/ and reconciler/ reach the store only through the port
// in model/, never through database/. Tests may still build a real store.
const baseImportPatterns = [
  '*.stories*',
  '*.test*',
  '**/__testUtils__/**',
  '**/__mocks__/**',
];
const restrictImports = (patterns, message) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [{ group: baseImportPatterns }, { group: patterns, message }],
    },
  ],
});

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      files: ['src/kubernetes/**', 'src/reconciler/**'],
      excludedFiles: ['**/*.test.*', '**/__testUtils__/**'],
      rules: restrictImports(
        ['**/database', '**/database/*'],
        'Depend on the EnvironmentsStore port and types in ../model, not on database/.',
      ),
    },
    {
      files: ['src/model/**'],
      excludedFiles: ['**/*.test.*'],
      rules: restrictImports(
        ['../*', '../**'],
        'model/ is the domain; it imports no other folder of the backend.',
      ),
    },
  ],
});
