// Reads from the local Gitea the way the catalog does: through Backstage's own URL
// reader, which picks GiteaUrlReader because of integrations.gitea in the generated
// config. Prints one "ok: ..." or "FAILED: ..." line per check; exits 1 if any failed.
//
// Usage: node read-with-backstage.cjs APP_CONFIG FILE_URL EXPECTED_CONTENT_FILE
const { readFileSync } = require('node:fs');
const { ConfigReader } = require('@backstage/config');
const { UrlReaders } = require('@backstage/backend-defaults/urlReader');
const yaml = require('yaml');

const [appConfig, fileUrl, expectedFile] = process.argv.slice(2);
if (!appConfig || !fileUrl || !expectedFile) {
  process.stderr.write(
    'usage: read-with-backstage.cjs APP_CONFIG FILE_URL EXPECTED_CONTENT_FILE\n',
  );
  process.exit(2);
}

const logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => logger,
};

async function main() {
  const config = new ConfigReader(
    yaml.parse(readFileSync(appConfig, 'utf8')),
    appConfig,
  );
  const reader = UrlReaders.default({ config, logger });
  const expected = readFileSync(expectedFile, 'utf8');
  let failed = 0;
  const check = async (what, fn) => {
    try {
      const detail = await fn();
      process.stdout.write(`ok: ${what}${detail ? ` (${detail})` : ''}\n`);
    } catch (error) {
      failed += 1;
      process.stdout.write(`FAILED: ${what}: ${error.message}\n`);
    }
  };

  await check(
    'Backstage readUrl (GiteaUrlReader, as the catalog)',
    async () => {
      const response = await reader.readUrl(fileUrl);
      const text = (await response.buffer()).toString('utf8');
      if (text !== expected) {
        throw new Error(
          `content differs: ${JSON.stringify(text.slice(0, 80))}`,
        );
      }
      return `${text.length} bytes`;
    },
  );

  const treeUrl = fileUrl.slice(0, fileUrl.lastIndexOf('/') + 1);
  await check('Backstage readTree (repository archive)', async () => {
    const tree = await reader.readTree(treeUrl);
    const files = await tree.files();
    const names = files.map(file => file.path).sort();
    const fileName = fileUrl.slice(fileUrl.lastIndexOf('/') + 1);
    if (!names.includes(fileName)) {
      throw new Error(`${fileName} not in the tree: ${names.join(', ')}`);
    }
    return `${names.length} files, etag ${tree.etag.slice(0, 12)}`;
  });

  process.exit(failed === 0 ? 0 : 1);
}

main().catch(error => {
  process.stdout.write(`FAILED: ${error.stack ?? error}\n`);
  process.exit(1);
});
