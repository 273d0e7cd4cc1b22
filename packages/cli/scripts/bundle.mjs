// Bundles idp into one file, dist/idp.cjs, with everything it imports (the
// environments contract's TypeScript source, zod, commander, yaml), so that
// the installed binary needs nothing but Node.js 20 or later.
//   node scripts/bundle.mjs [--outfile FILE]
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outfile');
const outfile =
  at > 0 ? path.resolve(process.argv[at + 1]) : path.join(root, 'dist/idp.cjs');
const { version } = JSON.parse(
  readFileSync(path.join(root, 'package.json'), 'utf8'),
);

await build({
  entryPoints: [path.join(root, 'src/bin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  banner: {
    js: `#!/usr/bin/env node\n// idp ${version}, bundled by packages/cli/scripts/bundle.mjs`,
  },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
process.stdout.write(`${outfile}\n`);
