import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import giteaModule from '@backstage/plugin-scaffolder-backend-module-gitea';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { EnvironmentTypeDescription } from '@internal/backstage-plugin-environments-common';
import {
  EnvironmentRequest,
  environmentsRequestStandIn,
} from './environmentsActionStandIn';
import {
  DeploymentRequest,
  environmentsDeployStandIn,
} from './environmentsDeployStandIn';
import { TemplateFolder } from './templates';

/** A file the dry run generated. */
export interface GeneratedFile {
  path: string;
  content: string;
}

export interface DryRunResult {
  files: GeneratedFile[];
  output: {
    links?: {
      title?: string;
      url?: string;
      entityRef?: string;
      icon?: string;
    }[];
    text?: { title?: string; content?: string }[];
  };
  /** The rendered input of each step the dry run skipped, by step id. */
  skippedStepInputs: Record<string, unknown>;
}

export interface ActionSchemas {
  [actionId: string]: { input?: object; output?: object };
}

/** The portal's address, as app-config.yaml sets app.baseUrl. */
export const APP_BASE_URL = 'http://localhost:7007';

/**
 * The real scaffolder backend with the actions the templates use: the
 * built-in ones (fetch:template, catalog:register), the Gitea module's
 * publish:gitea, and stand-ins for environments:request and
 * environments:deploy backed by the in-memory environments API (with the
 * given environment types; by default the fake's). Templates run in
 * dry-run mode through its HTTP API, exactly as the template editor runs them:
 * steps that support dry runs (fetch:template) really run, the others
 * (publish:gitea, catalog:register) are skipped with their inputs logged.
 */
export async function startScaffolder(options: {
  database: Knex;
  environmentTypes?: EnvironmentTypeDescription[];
}) {
  const environmentRequests: EnvironmentRequest[] = [];
  const deploymentRequests: DeploymentRequest[] = [];
  const environments = new FakeEnvironmentsApi({
    newId: sequence => `env-${String(sequence).padStart(4, '0')}`,
    types: options.environmentTypes,
  });
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      // A database the caller closes: the default one's pool outlives the test.
      mockServices.database.factory({ knex: options.database }),
      giteaModule,
      environmentsRequestStandIn({
        requests: environmentRequests,
        environments,
        appBaseUrl: APP_BASE_URL,
      }),
      environmentsDeployStandIn({
        requests: deploymentRequests,
        environments,
        appBaseUrl: APP_BASE_URL,
      }),
      catalogServiceMock.factory(),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          // Dry runs need no task workers; left running, they outlive the test.
          scaffolder: { concurrentTasksLimit: 0 },
          // The Git server the templates publish to, as app-config.yaml
          // configures it for the local Gitea.
          integrations: {
            gitea: [
              {
                host: 'localhost:3300',
                baseUrl: 'http://localhost:3300',
                username: 'backstage',
                password: 'not-used-in-dry-runs',
              },
            ],
          },
        },
      }),
    ],
  });

  async function dryRun(
    folder: TemplateFolder,
    values: Record<string, unknown>,
  ): Promise<{ status: number; body: any }> {
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: folder.template,
        values,
        directoryContents: folder.files,
      });
    return { status: res.status, body: res.body };
  }

  return {
    environmentRequests,
    deploymentRequests,
    /** The in-memory environments API the stand-ins call. */
    environments,

    /** Runs the template; fails the test if the scaffolder refuses it. */
    async run(
      folder: TemplateFolder,
      values: Record<string, unknown>,
    ): Promise<DryRunResult> {
      const { status, body } = await dryRun(folder, values);
      if (status !== 200) {
        throw new Error(`dry run failed: ${status} ${JSON.stringify(body)}`);
      }
      return {
        files: body.directoryContents.map(
          (file: { path: string; base64Content: string }) => ({
            path: file.path,
            content: Buffer.from(file.base64Content, 'base64').toString('utf8'),
          }),
        ),
        output: body.output,
        skippedStepInputs: skippedStepInputs(body.log),
      };
    },

    /** Runs the template and returns the scaffolder's answer as it is. */
    dryRun,

    /** The input and output schemas of the installed actions. */
    async actionSchemas(): Promise<ActionSchemas> {
      const res = await request(backend.server)
        .get('/api/scaffolder/v2/actions')
        .set('Authorization', mockCredentials.user.header());
      return Object.fromEntries(
        res.body.map((action: { id: string; schema?: object }) => [
          action.id,
          action.schema ?? {},
        ]),
      );
    },

    stop: () => backend.stop(),
  };
}

// The message starts with the log level, colored.
const DRY_RUN_INPUT =
  /Running \S+ in dry-run mode with inputs \(secrets redacted\): ([\s\S]*)$/;

/**
 * The dry run logs each step's rendered input before it decides whether to
 * run it; for the steps it skips, that log line is the only trace of it.
 */
function skippedStepInputs(
  log: { body: { message: string; stepId?: string; status?: string } }[],
): Record<string, unknown> {
  const skipped = new Set(
    log
      .filter(entry => entry.body.status === 'skipped')
      .map(entry => entry.body.stepId),
  );
  const inputs: Record<string, unknown> = {};
  for (const { body } of log) {
    const match = DRY_RUN_INPUT.exec(body.message);
    if (match && body.stepId && skipped.has(body.stepId)) {
      inputs[body.stepId] = JSON.parse(match[1]);
    }
  }
  return inputs;
}
