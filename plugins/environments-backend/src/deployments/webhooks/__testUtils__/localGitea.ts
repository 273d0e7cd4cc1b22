import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import YAML from 'yaml';

/*
 * The local Gitea server (scripts/local-gitea) as the webhook's integration
 * test drives it: its REST API and git over HTTP, as the admin whose
 * credentials `./platform gitea up` writes to the Backstage config named by
 * IDP_TEST_GITEA_APP_CONFIG (integrations.gitea: baseUrl, username, and an
 * API token as the password).
 */

const run = promisify(execFile);

export const MISSING_GITEA =
  'IDP_TEST_GITEA_APP_CONFIG is not set: these tests need the local Gitea server; run them with ./platform test (or ./platform gitea up and IDP_TEST_GITEA_APP_CONFIG=.local/gitea/app-config.gitea.yaml)';

export type LocalGitea = {
  baseUrl: string;
  username: string;
  token: string;
  /** Gitea's own SQLite database: its hook tasks are the webhooks' delivery history. */
  databaseFile: string;
};

/**
 * Where Gitea keeps its SQLite database: `[database] PATH` of the app.ini
 * beside the Backstage config (`.local/gitea/custom/conf/app.ini`).
 */
function giteaDatabaseFile(appConfigFile: string): string {
  const appIni = path.join(
    path.dirname(appConfigFile),
    'custom',
    'conf',
    'app.ini',
  );
  let section = '';
  for (const line of fs.readFileSync(appIni, 'utf8').split('\n')) {
    const header = /^\s*\[(.+)\]\s*$/.exec(line);
    if (header) {
      section = header[1];
    }
    const file = /^\s*PATH\s*=\s*(.+?)\s*$/.exec(line);
    if (section === 'database' && file) {
      return file[1];
    }
  }
  throw new Error(`${appIni}: no PATH in its [database] section`);
}

/** The Gitea of IDP_TEST_GITEA_APP_CONFIG, or undefined when it is not set. */
export function localGiteaFromEnv(): LocalGitea | undefined {
  const file = process.env.IDP_TEST_GITEA_APP_CONFIG;
  if (!file) {
    return undefined;
  }
  const config = YAML.parse(fs.readFileSync(file, 'utf8'));
  const integration = config?.integrations?.gitea?.[0];
  if (
    !integration?.baseUrl ||
    !integration?.username ||
    !integration?.password
  ) {
    throw new Error(
      `${file}: integrations.gitea[0] must have baseUrl, username and password`,
    );
  }
  return {
    baseUrl: String(integration.baseUrl).replace(/\/+$/, ''),
    username: String(integration.username),
    token: String(integration.password),
    databaseFile: giteaDatabaseFile(file),
  };
}

/**
 * One delivery of a webhook, as Gitea records it (its `hook_task` table,
 * which the repository's webhook settings page lists; Gitea 1.26's API has
 * no delivery history).
 */
export type HookDelivery = {
  eventType: string;
  delivered: boolean;
  succeeded: boolean;
  /** What Gitea sent: its headers (X-Gitea-Event, X-Gitea-Signature...) and body. */
  request?: { url: string; headers: Record<string, string>; body: string };
  /** What the backend answered: its status (0 when there was no answer) and body; written after `delivered`. */
  response?: { status: number; body: string };
  payload: any;
};

/** The deliveries of the webhook `hookId`, oldest first, read-only from Gitea's database. */
export async function hookDeliveries(
  gitea: LocalGitea,
  hookId: number,
): Promise<HookDelivery[]> {
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: gitea.databaseFile, options: { readonly: true } },
    useNullAsDefault: true,
  });
  try {
    const rows = await db('hook_task')
      .where({ hook_id: hookId })
      .orderBy('id')
      .select();
    const json = (text: unknown) =>
      typeof text === 'string' && text ? JSON.parse(text) : undefined;
    return rows.map(row => ({
      eventType: row.event_type,
      delivered: Boolean(row.is_delivered),
      succeeded: Boolean(row.is_succeed),
      request: json(row.request_content),
      response: json(row.response_content),
      payload: json(row.payload_content),
    }));
  } finally {
    await db.destroy();
  }
}

/** A repository of the admin, created empty, with the admin's API and git. */
export type GiteaRepository = Awaited<ReturnType<typeof createRepository>>;

/**
 * Creates `<admin>/<name>` with one commit on `main` (Gitea's auto-init), and
 * a clone of it in a temporary folder to commit and push from.
 */
export async function createRepository(gitea: LocalGitea, name: string) {
  const basic = Buffer.from(`${gitea.username}:${gitea.token}`).toString(
    'base64',
  );

  async function api(method: string, apiPath: string, body?: object) {
    const response = await fetch(`${gitea.baseUrl}/api/v1${apiPath}`, {
      method,
      headers: {
        authorization: `Basic ${basic}`,
        ...(body && { 'content-type': 'application/json' }),
      },
      body: body && JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text };
  }

  /** Like `api`, but fails with Gitea's answer unless it is `status`. */
  async function expectApi(
    status: number,
    method: string,
    apiPath: string,
    body?: object,
  ): Promise<any> {
    const answer = await api(method, apiPath, body);
    if (answer.status !== status) {
      throw new Error(
        `Gitea ${method} ${apiPath} answered ${answer.status}, not ${status}: ${answer.text}`,
      );
    }
    return answer.body;
  }

  const repository = await expectApi(201, 'POST', '/user/repos', {
    name,
    description: 'giteaWebhook.integration.test.ts',
    private: false,
    auto_init: true,
    default_branch: 'main',
  });
  const fullName: string = repository.full_name;
  const htmlUrl: string = repository.html_url;
  const cloneUrl: string = repository.clone_url;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gitea-webhook-${name}-`));
  // The token in a header, never in a URL that git may print or store.
  const git = async (args: string[], env: Record<string, string> = {}) => {
    const { stdout } = await run(
      'git',
      [
        '-c',
        'credential.helper=',
        '-c',
        `http.extraHeader=Authorization: Basic ${basic}`,
        '-c',
        'user.name=Webhook Test',
        '-c',
        'user.email=webhook-test@localhost',
        ...args,
      ],
      { cwd: dir, env: { ...process.env, ...env } },
    );
    return stdout.trim();
  };
  await git(['clone', '-q', cloneUrl, '.']);

  return {
    fullName,
    /** The repository's page, as Gitea writes it in its payloads: `http://localhost:3300/owner/name`. */
    htmlUrl,
    defaultBranch: repository.default_branch as string,
    api,
    expectApi,
    git,

    /**
     * Commits a change authored at `authored` and committed 30 s later (as
     * after a rebase), pushes it to main over HTTP, and returns its SHA.
     */
    async pushCommit(message: string, authored: Date): Promise<string> {
      fs.appendFileSync(path.join(dir, 'CHANGES.md'), `- ${message}\n`);
      await git(['add', 'CHANGES.md']);
      await git(['commit', '-q', '-m', message], {
        GIT_AUTHOR_DATE: authored.toISOString(),
        GIT_COMMITTER_DATE: new Date(authored.getTime() + 30_000).toISOString(),
      });
      await git(['push', '-q', 'origin', 'HEAD:main']);
      return git(['rev-parse', 'HEAD']);
    },

    /** Tags HEAD (lightweight, or annotated with a message) and pushes the tag. */
    async pushTag(tag: string, options: { annotated?: string } = {}) {
      await git(
        options.annotated
          ? ['tag', '-a', tag, '-m', options.annotated]
          : ['tag', tag],
      );
      await git(['push', '-q', 'origin', `refs/tags/${tag}`]);
      return git(['rev-parse', `${tag}^{commit}`]);
    },

    /** A webhook of type gitea for push events, JSON, signed with `secret`. */
    async addWebhook(url: string, secret: string): Promise<number> {
      const hook = await expectApi(201, 'POST', `/repos/${fullName}/hooks`, {
        type: 'gitea',
        active: true,
        events: ['push'],
        branch_filter: '*',
        config: { url, content_type: 'json', secret },
      });
      return hook.id;
    },

    async setWebhookActive(id: number, active: boolean) {
      await expectApi(200, 'PATCH', `/repos/${fullName}/hooks/${id}`, {
        active,
      });
    },

    /** Deletes the repository on Gitea and the clone here. */
    async remove() {
      fs.rmSync(dir, { recursive: true, force: true });
      const answer = await api('DELETE', `/repos/${fullName}`);
      if (![204, 404].includes(answer.status)) {
        throw new Error(
          `Gitea DELETE /repos/${fullName} answered ${answer.status}: ${answer.text}`,
        );
      }
    },
  };
}
