import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * What `idp` keeps between runs, in `$XDG_CONFIG_HOME/idp/` (else
 * `~/.config/idp/`): `config.json` with the backend last logged in to, and
 * `credentials.json` with a token per backend. Both are written 0600 in a
 * 0700 folder: the credentials let anyone act as the user.
 */
export const DEFAULT_BACKEND_URL = 'http://localhost:7007';

const configSchema = z.object({
  backendUrl: z.string().optional(),
});

export type StoredConfig = z.infer<typeof configSchema>;

/** A token from `idp login --token` (a static or user token), sent as it is. */
const staticCredentialsSchema = z.object({
  kind: z.literal('token'),
  token: z.string().min(1),
});

/** Tokens from the OAuth login: the access token expires, the refresh token renews it. */
const oauthCredentialsSchema = z.object({
  kind: z.literal('oauth'),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt: z.number(),
  clientId: z.string(),
});

export const credentialsSchema = z.discriminatedUnion('kind', [
  staticCredentialsSchema,
  oauthCredentialsSchema,
]);

export type Credentials = z.infer<typeof credentialsSchema>;
export type OAuthCredentials = z.infer<typeof oauthCredentialsSchema>;

/** Credentials by backend URL. */
const credentialsFileSchema = z.record(z.string(), credentialsSchema);

export function configDir(env: Record<string, string | undefined>): string {
  const base =
    env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'idp');
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return schema.parse({});
    }
    throw error;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${file} is not a file idp wrote (${parsed.error.issues[0]?.message}); remove it and log in again`,
    );
  }
  return parsed.data;
}

async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, {
    mode: 0o600,
  });
  // writeFile keeps the mode of a file that exists; a fresh one renamed over
  // it has 0600 whatever the old file had.
  await fs.chmod(temporary, 0o600);
  await fs.rename(temporary, file);
}

/** Reads and writes the config folder of one environment (`env`). */
export class ConfigStore {
  readonly dir: string;

  constructor(env: Record<string, string | undefined>) {
    this.dir = configDir(env);
  }

  get configFile() {
    return path.join(this.dir, 'config.json');
  }

  get credentialsFile() {
    return path.join(this.dir, 'credentials.json');
  }

  async readConfig(): Promise<StoredConfig> {
    return readJson(this.configFile, configSchema);
  }

  async writeConfig(config: StoredConfig): Promise<void> {
    await writePrivateJson(this.configFile, config);
  }

  async getCredentials(backendUrl: string): Promise<Credentials | undefined> {
    const all = await readJson(this.credentialsFile, credentialsFileSchema);
    return all[backendUrl];
  }

  async setCredentials(
    backendUrl: string,
    credentials: Credentials,
  ): Promise<void> {
    const all = await readJson(this.credentialsFile, credentialsFileSchema);
    await writePrivateJson(this.credentialsFile, {
      ...all,
      [backendUrl]: credentials,
    });
  }

  /** Forgets the credentials of one backend; true when there were some. */
  async deleteCredentials(backendUrl: string): Promise<boolean> {
    const all = await readJson(this.credentialsFile, credentialsFileSchema);
    if (!(backendUrl in all)) return false;
    delete all[backendUrl];
    await writePrivateJson(this.credentialsFile, all);
    return true;
  }
}
