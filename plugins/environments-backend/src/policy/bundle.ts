import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, ReadEntry } from 'tar';
import { z } from 'zod';
import {
  PolicyRule,
  policyRuleSchema,
} from '@internal/backstage-plugin-environments-common';

/** A compiled policy bundle (`opa build -t wasm`), read whole. */
export type PolicyBundle = {
  wasm: Buffer;
  data: object;
  revision: string;
  rules: PolicyRule[];
};

const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

const manifestSchema = z.object({
  revision: z.string().optional(),
  metadata: z
    .object({ rules: z.array(policyRuleSchema).optional() })
    .loose()
    .optional(),
});

// What `opa inspect -a -f json` says of each annotated rule.
const inspectSchema = z.object({
  annotations: z
    .array(
      z.object({
        path: z.array(z.object({ value: z.unknown() })).optional(),
        annotations: z
          .object({
            title: z.string().optional(),
            description: z.string().optional(),
            custom: z.record(z.string(), z.unknown()).optional(),
          })
          .loose(),
      }),
    )
    .optional(),
});

/** The files of a .tar.gz by their path without a leading `/` or `./`. */
async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ENTRY_BYTES) chunks.push(chunk);
      });
      entry.on('end', () => {
        if (size > MAX_ENTRY_BYTES) return;
        files.set(entry.path.replace(/^\.?\//, ''), Buffer.concat(chunks));
      });
    },
  });
  await pipeline(Readable.from([bytes]), parser);
  return files;
}

/** The rules as `opa inspect -a -f json` lists them, ids from `custom.id`. */
export function rulesFromInspect(output: unknown): PolicyRule[] {
  const parsed = inspectSchema.safeParse(output);
  if (!parsed.success) return [];
  const rules: PolicyRule[] = [];
  for (const { path, annotations } of parsed.data.annotations ?? []) {
    const segments = (path ?? []).map(part => String(part.value));
    // data.idp.deployments.deny -> deployments.deny
    const fallback = segments
      .filter((s, i) => !(i === 0 && s === 'data'))
      .filter((s, i) => !(i === 0 && s === 'idp'))
      .join('.');
    const id = annotations.custom?.id ?? fallback;
    const severity = annotations.custom?.severity;
    const rule = policyRuleSchema.safeParse({
      rule: id,
      title: annotations.title ?? String(id),
      description: annotations.description,
      severity,
    });
    if (rule.success) rules.push(rule.data);
  }
  return rules.sort((a, b) => a.rule.localeCompare(b.rule));
}

/**
 * Reads a bundle: `policy.wasm`, `data.json` and `.manifest` (its revision,
 * and the rules in `metadata.rules`; else `rules.json` beside the bundle,
 * the output of `opa inspect -a -f json`). Throws naming what is wrong.
 */
export async function readPolicyBundle(path: string): Promise<PolicyBundle> {
  const bytes = await readFile(path);
  let files: Map<string, Buffer>;
  try {
    files = await untar(bytes);
  } catch (error) {
    throw new Error(
      `${path} is not a .tar.gz policy bundle (${(error as Error).message})`,
    );
  }
  const wasm = files.get('policy.wasm');
  if (!wasm) {
    throw new Error(
      `${path} has no policy.wasm: build it with opa build -t wasm -e idp/decision`,
    );
  }
  const data = parseJsonFile(path, 'data.json', files.get('data.json')) ?? {};
  const manifestJson = parseJsonFile(path, '.manifest', files.get('.manifest'));
  const manifest = manifestSchema.safeParse(manifestJson ?? {});
  if (!manifest.success) {
    throw new Error(
      `${path}: .manifest is not a bundle manifest (${manifest.error.message})`,
    );
  }
  const revision =
    manifest.data.revision ||
    `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
  let rules = manifest.data.metadata?.rules;
  if (!rules) {
    const beside = await readFile(join(dirname(path), 'rules.json'), 'utf8')
      .then(text => JSON.parse(text))
      .catch(() => undefined);
    rules = beside ? rulesFromInspect(beside) : [];
  }
  return {
    wasm,
    data: typeof data === 'object' && data !== null ? data : {},
    revision,
    rules,
  };
}

function parseJsonFile(
  bundle: string,
  name: string,
  content: Buffer | undefined,
): unknown {
  if (!content) return undefined;
  try {
    return JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new Error(
      `${bundle}: ${name} is not JSON (${(error as Error).message})`,
    );
  }
}
