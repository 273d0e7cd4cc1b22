import fs from 'node:fs/promises';
import path from 'node:path';
import { TemplateEntityV1beta3 } from '@backstage/plugin-scaffolder-common';
import { parse } from 'yaml';

// Test helpers always run from source, where __dirname is reliable.
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = path.resolve(__dirname, '../../../..');
export const templatesDir = path.join(repoRoot, 'templates');

/**
 * The templates of templates/ that act on a component's environments instead
 * of creating a component (the golden paths, spec.type service), with their
 * spec.type.
 */
export const environmentTemplates = [
  { template: 'request-environment', type: 'environment' },
  { template: 'deploy-version', type: 'deployment' },
];

/** A template folder as the scaffolder's dry run receives it. */
export interface TemplateFolder {
  template: TemplateEntityV1beta3;
  files: { path: string; base64Content: string }[];
}

/** Reads templates/<name>/: its template.yaml and every file beside it. */
export async function readTemplateFolder(
  name: string,
): Promise<TemplateFolder> {
  const root = path.join(templatesDir, name);
  const template = parse(
    await fs.readFile(path.join(root, 'template.yaml'), 'utf8'),
  );
  const entries = await fs.readdir(root, {
    recursive: true,
    withFileTypes: true,
  });
  const files = await Promise.all(
    entries
      .filter(entry => entry.isFile())
      .map(async entry => {
        const absolute = path.join(entry.parentPath, entry.name);
        return {
          path: path.relative(root, absolute).split(path.sep).join('/'),
          base64Content: (await fs.readFile(absolute)).toString('base64'),
        };
      }),
  );
  return { template, files };
}

/** The folders of templates/ that hold a template.yaml. */
export async function listTemplateFolders(): Promise<string[]> {
  const entries = await fs.readdir(templatesDir, { withFileTypes: true });
  const names = [];
  for (const entry of entries.filter(e => e.isDirectory())) {
    const manifest = path.join(templatesDir, entry.name, 'template.yaml');
    if (await fs.stat(manifest).catch(() => undefined)) names.push(entry.name);
  }
  return names.sort();
}
