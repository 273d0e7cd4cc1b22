import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  CustomErrorBase,
  InputError,
  isError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CiDeployRequest,
  DeploymentSource,
  DeploymentState,
  parseWithIssues,
} from '@internal/backstage-plugin-environments-common';
import express, { NextFunction, Request, Response } from 'express';
import { environmentsErrorHandler } from '../../service/httpErrors';
import { invalidInput } from '../../service/EnvironmentsService';
import { giteaPushEventSchema, pushIntent } from './giteaPushEvent';
import { findRepositoryComponents } from './repositoryComponents';
import { isValidGiteaSignature } from './signature';

/** Gitea sends at most a few hundred KiB for a push of many commits. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** Who a webhook's deployments are recorded as created by. */
export const WEBHOOK_SUBJECT = 'gitea-webhook';

/**
 * What the webhook needs of the deployments service: a deploy that names the
 * component and the environment, as CI's `POST /ci/deployments` does.
 */
export interface WebhookDeployments {
  ciDeploy(
    request: CiDeployRequest,
    options: { subject: string; source: DeploymentSource },
  ): Promise<{ id: string; state: DeploymentState }>;
}

/** What one component of the pushed repository got. */
export type WebhookDeployOutcome =
  | {
      componentRef: string;
      outcome: 'deployed';
      image: string;
      deploymentId: string;
      state: DeploymentState;
    }
  | { componentRef: string; outcome: 'refused'; reason: string };

/** The body of every 202 the webhook answers. */
export type WebhookAnswer =
  | { status: 'ignored'; reason: string }
  | { status: 'processed'; deployments: WebhookDeployOutcome[] };

/** `@backstage/errors` has no 413; the error handler takes `statusCode`. */
class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  readonly statusCode = 413;
}

/** Failures that say the deploy itself was refused, not that something broke. */
function refusalOf(error: unknown): string | undefined {
  if (!isError(error)) {
    return undefined;
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  const refused =
    [
      'InputError',
      'NotFoundError',
      'ConflictError',
      'NotAllowedError',
    ].includes(error.name) ||
    (typeof status === 'number' && status >= 400 && status < 500);
  return refused ? error.message : undefined;
}

/**
 * `POST /webhooks/gitea`: Gitea's push webhook. A push of a tag, or to the
 * repository's default branch, deploys the new image of each component
 * built from the repository to its `environments.ci.webhookEnvironment`
 * environment (default `development`), with source `webhook`.
 *
 * The HMAC signature is the authentication, so the plugin mounts this with
 * `httpRouter.addAuthPolicy({ path: '/webhooks', allow: 'unauthenticated' })`.
 * Without `environments.ci.webhookSecret` the router has no routes.
 */
export function createGiteaWebhookRouter(options: {
  config: RootConfigService;
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  deployments: WebhookDeployments;
}): express.Router {
  const { config, auth, catalog, deployments } = options;
  const logger = options.logger.child({ type: 'giteaWebhook' });
  const router = express.Router();
  const secret = config.getOptionalString('environments.ci.webhookSecret');
  const environment =
    config.getOptionalString('environments.ci.webhookEnvironment') ??
    'development';
  if (!secret) {
    logger.info(
      'Gitea webhook disabled: set environments.ci.webhookSecret to enable POST /webhooks/gitea',
    );
    return router;
  }
  const webhookSecret: string = secret;

  const answer = (res: Response, body: WebhookAnswer) =>
    res.status(202).json(body);

  router.post(
    '/webhooks/gitea',
    // The raw bytes: the signature is over the body exactly as sent.
    express.raw({ type: () => true, limit: MAX_WEBHOOK_BODY_BYTES }),
    (req: Request, res: Response, next: NextFunction) => {
      handle(req, res).catch(next);
    },
  );

  async function handle(req: Request, res: Response) {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (
      !isValidGiteaSignature(
        body,
        req.header('x-gitea-signature'),
        webhookSecret,
      )
    ) {
      // The same answer for a missing and a wrong signature.
      throw new AuthenticationError('Invalid webhook signature');
    }

    const event = req.header('x-gitea-event');
    if (event !== 'push') {
      answer(res, {
        status: 'ignored',
        reason: `only push events deploy, not ${
          event ? `"${event}"` : 'events without X-Gitea-Event'
        }`,
      });
      return;
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InputError(
        "request body: must be the JSON of a Gitea push event (set the webhook's content type to application/json)",
      );
    }
    const parsed = parseWithIssues(giteaPushEventSchema, payload);
    if (!parsed.success) {
      throw invalidInput('Gitea push event', parsed.issues);
    }
    const push = parsed.data;
    const repository = push.repository.full_name;
    const intent = pushIntent(push);
    if (!intent.deploy) {
      logger.info(`Ignored a push to ${repository}: ${intent.reason}`);
      answer(res, { status: 'ignored', reason: intent.reason });
      return;
    }

    const components = await findRepositoryComponents({
      catalog,
      auth,
      repositoryUrl: push.repository.html_url,
    });
    if (components.length === 0) {
      const reason = `no component in the catalog has its source in ${push.repository.html_url} (backstage.io/source-location or backstage.io/managed-by-location)`;
      logger.info(`Ignored a push to ${repository}: ${reason}`);
      answer(res, { status: 'ignored', reason });
      return;
    }

    const outcomes: WebhookDeployOutcome[] = [];
    for (const { componentRef, imageRepository } of components) {
      if (!imageRepository) {
        outcomes.push({
          componentRef,
          outcome: 'refused',
          reason: `${componentRef} has no environments.idp.dev/image annotation to take the image repository from`,
        });
        continue;
      }
      const image = `${imageRepository}:${intent.tag}`;
      try {
        const deployment = await deployments.ciDeploy(
          {
            componentRef,
            environment,
            image,
            commit: intent.commit,
            message: intent.message,
          },
          { subject: WEBHOOK_SUBJECT, source: 'webhook' },
        );
        logger.info(`Deploying ${image} to ${environment} of ${componentRef}`, {
          componentRef,
          environment,
          image,
          deploymentId: deployment.id,
          repository,
        });
        outcomes.push({
          componentRef,
          outcome: 'deployed',
          image,
          deploymentId: deployment.id,
          state: deployment.state,
        });
      } catch (error) {
        const reason = refusalOf(error);
        if (reason === undefined) {
          throw error;
        }
        logger.info(
          `Deploy of ${image} to ${environment} of ${componentRef} refused: ${reason}`,
          { componentRef, environment, image, repository },
        );
        outcomes.push({ componentRef, outcome: 'refused', reason });
      }
    }
    answer(res, { status: 'processed', deployments: outcomes });
  }

  router.use(
    '/webhooks',
    (error: unknown, _req: Request, _res: Response, next: NextFunction) => {
      // body-parser's own error reads like its internals.
      next(
        (error as { type?: unknown })?.type === 'entity.too.large'
          ? new PayloadTooLargeError(
              `request body: must be at most ${
                MAX_WEBHOOK_BODY_BYTES / 1024 / 1024
              } MiB`,
            )
          : error,
      );
    },
  );
  router.use('/webhooks', environmentsErrorHandler({ config, logger }));

  return router;
}
