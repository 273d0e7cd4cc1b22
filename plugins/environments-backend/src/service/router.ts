import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { Request, Response } from 'express';
import { JsonObject } from '@backstage/types';
import { pipeline } from 'node:stream/promises';
import { createOpenApiRouter } from '../schema/openapi/generated/router';
import { DeploymentsService } from '../deployments/DeploymentsService';
import { EnvironmentObservability } from './EnvironmentObservability';
import { EnvironmentsService } from './EnvironmentsService';
import { PolicyService } from './PolicyService';
import { environmentETag, expectedVersionOf } from './versionHeaders';
import { environmentsErrorHandler, jsonBodies } from './httpErrors';
import { auditedChange, recordedDeployment } from './auditedChange';
import { isResourceId } from './resourceIds';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  service: EnvironmentsService;
  observability: Pick<EnvironmentObservability, 'pods' | 'events' | 'openLogs'>;
  /** Deployments, their approvals and the environments' secrets; left out by tests of the rest. */
  deployments?: DeploymentsService;
  /** The policy API (dry run, rules, decisions); left out by tests of the rest. */
  policy?: PolicyService;
  config: RootConfigService;
  logger: LoggerService;
};

/**
 * The HTTP API of `src/schema/openapi.yaml`. Requests are checked against the
 * spec before they reach a handler; errors thrown here are `@backstage/errors`
 * that the framework turns into status codes.
 */
export async function createRouter({
  httpAuth,
  auditor,
  service,
  observability,
  deployments,
  policy,
  config,
  logger,
}: RouterOptions) {
  const router = await createOpenApiRouter({ middleware: [jsonBodies()] });
  // Status and conditions change without the version (the ETag, which is for
  // If-Match) changing, so a copy revalidated by its ETag would stay stale:
  // nothing here is cached, and no conditional GET is answered with a 304.
  router.use((req, res, next) => {
    delete req.headers['if-none-match'];
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.param('id', (req, _res, next, id) => {
    const what = req.path.startsWith('/deployments/')
      ? 'deployment'
      : 'environment';
    next(
      isResourceId(id)
        ? undefined
        : new NotFoundError(`No ${what} with id '${id}'`),
    );
  });

  /** Runs a change of an environment with an audit event recording its outcome. */
  const audited = <T extends { id: string }>(
    req: Request<any, any, any, any, any>,
    eventId: string,
    meta: JsonObject,
    change: () => Promise<T>,
  ): Promise<T> =>
    auditedChange(auditor, { request: req }, eventId, meta, change, result => ({
      environmentId: result.id,
    }));

  const location = (req: Request<any, any, any, any, any>, id: string) =>
    `${req.baseUrl}/environments/${encodeURIComponent(id)}`;

  /** The version to send back as `If-Match` for the next change. */
  const tagged = (res: Response, environment: { version?: number }) =>
    environment.version === undefined
      ? res
      : res.set('ETag', environmentETag(environment.version));

  router.get('/types', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await service.listTypes({ credentials }) });
  });

  router.get('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { componentRef, ownerRef, type, status, limit, pageToken } =
      req.query;
    res.json(
      await service.list(
        { componentRef, ownerRef, type, status, limit, pageToken },
        { credentials },
      ),
    );
  });

  router.post('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const body = req.body as JsonObject;
    const environment = await audited(
      req,
      'environment-create',
      {
        componentRef: String(body?.componentRef ?? ''),
        type: String(body?.type ?? ''),
      },
      () => service.create(body, { credentials }),
    );
    res.status(202).location(location(req, environment.id)).json(environment);
  });

  router.get('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const environment = await service.get(req.params.id, { credentials });
    tagged(res, environment).json(environment);
  });

  router.patch('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { id } = req.params;
    const environment = await audited(
      req,
      'environment-update',
      { environmentId: id },
      () =>
        service.update(id, req.body, {
          credentials,
          expectedVersion: expectedVersionOf(req.header('if-match')),
        }),
    );
    tagged(res, environment)
      .status(202)
      .location(location(req, id))
      .json(environment);
  });

  router.delete('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { id } = req.params;
    const environment = await audited(
      req,
      'environment-delete',
      { environmentId: id },
      () => service.delete(id, { credentials }),
    );
    res.status(202).location(location(req, id)).json(environment);
  });

  router.post('/environments/:id/extend', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { id } = req.params;
    const environment = await audited(
      req,
      'environment-extend',
      { environmentId: id, ttl: String(req.body?.ttl ?? '') },
      () =>
        service.extend(id, req.body, {
          credentials,
          expectedVersion: expectedVersionOf(req.header('if-match')),
        }),
    );
    tagged(res, environment).json(environment);
  });

  router.post('/environments/:id/reconcile', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { id } = req.params;
    const environment = await audited(
      req,
      'environment-reconcile',
      { environmentId: id },
      () => service.reconcile(id, { credentials }),
    );
    res.status(202).location(location(req, id)).json(environment);
  });

  // Decisions are people's: a service token cannot approve.
  router.post('/environments/:id/approve', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = req.params;
    res.json(
      await audited(req, 'environment-approve', { environmentId: id }, () =>
        service.approve(id, req.body, { credentials }),
      ),
    );
  });

  router.post('/environments/:id/reject', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = req.params;
    res.json(
      await audited(req, 'environment-reject', { environmentId: id }, () =>
        service.reject(id, req.body, { credentials }),
      ),
    );
  });

  router.get('/environment-approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await service.pendingApprovals({ credentials }) });
  });

  router.get('/environments/:id/audit', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { limit, pageToken } = req.query;
    res.json(
      await service.auditTrail(
        req.params.id,
        { limit, pageToken },
        { credentials },
      ),
    );
  });

  router.get('/environments/:id/status-history', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { limit, pageToken } = req.query;
    res.json(
      await service.getStatusHistory(
        req.params.id,
        { limit, pageToken },
        { credentials },
      ),
    );
  });

  router.get('/environments/:id/pods', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({
      items: await observability.pods(req.params.id, { credentials }),
    });
  });

  router.get('/environments/:id/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({
      items: await observability.events(req.params.id, { credentials }),
    });
  });

  router.get('/environments/:id/logs', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    // Stops reading from Kubernetes as soon as the client is gone; with
    // follow=true nothing else would ever end the upstream request.
    const upstream = new AbortController();
    res.on('close', () => upstream.abort());
    const logs = await observability.openLogs(req.params.id, req.query, {
      credentials,
      signal: upstream.signal,
      audit: meta =>
        auditor.createEvent({
          eventId: 'environment-logs-read',
          severityLevel: 'medium',
          request: req,
          meta,
        }),
    });
    // no-transform: the root router's compression would otherwise buffer
    // lines until it has enough to compress.
    res.status(200).set({
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    res.flushHeaders();
    try {
      await pipeline(logs, res);
    } catch (error) {
      if (!upstream.signal.aborted) {
        // The status line is long gone: cutting the response short is how the
        // client learns that the log broke off.
        res.destroy(error as Error);
      }
    }
  });

  // The deployments' routes: every change answers 202 once recorded (the
  // rollout happens in the background) and is audited with the deployment
  // it made; a secret's value is in no audit event, log line or answer.
  if (deployments) {
    const auditedDeployment = <T>(
      req: Request<any, any, any, any, any>,
      eventId: string,
      meta: JsonObject,
      change: () => Promise<T>,
      succeeded?: (result: T) => JsonObject,
    ): Promise<T> =>
      auditedChange(
        auditor,
        { request: req },
        eventId,
        meta,
        change,
        succeeded,
      );
    const recorded = recordedDeployment;

    router.get('/environments/:id/configuration', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      res.json(await deployments.configuration(req.params.id, { credentials }));
    });

    router.get('/environments/:id/deployments', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { limit, pageToken } = req.query;
      res.json(
        await deployments.history(
          req.params.id,
          { limit, pageToken },
          { credentials },
        ),
      );
    });

    router.post('/environments/:id/deployments', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { id } = req.params;
      const deployment = await auditedDeployment(
        req,
        'deployment-create',
        { environmentId: id },
        () => deployments.deploy(id, req.body, { credentials }),
        recorded,
      );
      res.status(202).json(deployment);
    });

    router.post('/environments/:id/rollback', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { id } = req.params;
      const deployment = await auditedDeployment(
        req,
        'deployment-rollback',
        { environmentId: id, rollbackTo: String(req.body?.deploymentId ?? '') },
        () => deployments.rollback(id, req.body, { credentials }),
        recorded,
      );
      res.status(202).json(deployment);
    });

    router.post('/environments/:id/promote', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { id } = req.params;
      const deployment = await auditedDeployment(
        req,
        'deployment-promote',
        { environmentId: id },
        () => deployments.promote(id, req.body, { credentials }),
        recorded,
      );
      res.status(202).json(deployment);
    });

    router.get('/environments/:id/secrets', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      res.json({
        items: await deployments.listSecrets(req.params.id, { credentials }),
      });
    });

    router.put('/environments/:id/secrets/:key', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { id, key } = req.params;
      // The key only: the value is in the body, which the auditor never sees.
      await auditedDeployment(
        req,
        'environment-secret-set',
        { environmentId: id, key },
        () => deployments.setSecret(id, key, req.body, { credentials }),
      );
      res.status(204).end();
    });

    router.delete('/environments/:id/secrets/:key', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { id, key } = req.params;
      await auditedDeployment(
        req,
        'environment-secret-delete',
        { environmentId: id, key },
        () => deployments.deleteSecret(id, key, { credentials }),
      );
      res.status(204).end();
    });

    router.get('/deployments/:id', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      res.json(await deployments.get(req.params.id, { credentials }));
    });

    router.get('/deployments/:id/diff', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      res.json(
        await deployments.diff(req.params.id, req.query.to, { credentials }),
      );
    });

    router.post('/deployments/:id/approve', async (req, res) => {
      // Services too, to be told 403: only members of the approver groups decide.
      const credentials = await httpAuth.credentials(req);
      const { id } = req.params;
      res.json(
        await auditedDeployment(
          req,
          'deployment-approve',
          { deploymentId: id },
          () => deployments.approve(id, req.body, { credentials }),
          recorded,
        ),
      );
    });

    router.post('/deployments/:id/reject', async (req, res) => {
      // Services too, to be told 403: only members of the approver groups decide.
      const credentials = await httpAuth.credentials(req);
      const { id } = req.params;
      res.json(
        await auditedDeployment(
          req,
          'deployment-reject',
          { deploymentId: id },
          () => deployments.reject(id, req.body, { credentials }),
          recorded,
        ),
      );
    });

    router.get('/approvals', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      res.json({ items: await deployments.pendingApprovals({ credentials }) });
    });

    router.get('/what-runs-where', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      res.json(
        await deployments.whatRunsWhere(req.query.componentRef, {
          credentials,
        }),
      );
    });

    router.post('/ci/deployments', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const deployment = await auditedDeployment(
        req,
        'deployment-ci',
        {
          componentRef: String(req.body?.componentRef ?? ''),
          environment: String(req.body?.environment ?? ''),
        },
        () => deployments.ciDeploy(req.body, { credentials }),
        recorded,
      );
      res.status(202).json(deployment);
    });
  }

  if (policy) {
    // A dry run stores nothing, so it is not audited: only real requests are.
    router.post('/policy/evaluate', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      res.json(await policy.evaluate(req.body, { credentials }));
    });

    router.get('/policy/rules', async (req, res) => {
      await httpAuth.credentials(req);
      res.json(await policy.rules());
    });

    router.get('/policy/decisions', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { limit, environmentId } = req.query;
      res.json(
        await policy.decisions({ limit, environmentId }, { credentials }),
      );
    });
  }

  // Errors of this API are answered here rather than by the root handler,
  // which shows stack traces in development.
  router.use(environmentsErrorHandler({ config, logger }));

  return router;
}
