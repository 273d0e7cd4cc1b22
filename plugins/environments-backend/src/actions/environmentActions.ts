import {
  ENVIRONMENT_STATUSES,
  environmentRequestSchema,
  environmentSchema,
} from '@internal/backstage-plugin-environments-common';
import { z } from 'zod';
import { ActionsContext, outputSchema } from './actionsContext';
import { ActionInput, knownId, resourceId } from './actionInput';

const environmentId = resourceId('environment');

const page = {
  limit: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .optional()
    .describe('How many to return at most; 100 when left out.'),
  pageToken: z
    .string()
    .optional()
    .describe(
      'The `nextPageToken` of the previous page, to read the next one.',
    ),
};

const listInput = new ActionInput('list of environments', {
  componentRef: z
    .string()
    .optional()
    .describe(
      'Only the environments of this component, e.g. `component:default/orders-service` (or `orders-service`).',
    ),
  ownerRef: z
    .string()
    .optional()
    .describe(
      'Only the environments owned by this group, e.g. `group:default/team-orders`.',
    ),
  type: z
    .string()
    .optional()
    .describe(
      'Only environments of this type, e.g. `development`, `preview`, `staging` or `production`.',
    ),
  status: z
    .enum(ENVIRONMENT_STATUSES)
    .optional()
    .describe('Only environments in this status.'),
  ...page,
});

const getInput = new ActionInput('environment lookup', { environmentId });
const requestInput = new ActionInput(
  'environment request',
  {},
  environmentRequestSchema,
);
const extendInput = new ActionInput('extension', {
  environmentId,
  ttl: z
    .string()
    .describe(
      'The new time to live from now, such as `8h` or `2d`; within the type’s maximum after creation, and later than the current expiry.',
    ),
});
const deleteInput = new ActionInput('environment deletion', { environmentId });

const environmentPage = z.object({
  items: z.array(environmentSchema),
  nextPageToken: z.string().optional(),
});

/**
 * The environments' actions: the same service calls as the REST API's
 * `/environments` routes, with the caller's credentials, so the same
 * permission checks; changes audited with the same event ids.
 */
export function registerEnvironmentActions(context: ActionsContext) {
  const { actionsRegistry, environments, audit } = context;

  actionsRegistry.register({
    name: 'list-environments',
    title: 'List environments',
    description: `Lists the platform's environments that you may see, newest first: each with its id, name, component, owning team, type, status (requested, provisioning, ready, failed, deleting, deleted), reason, Kubernetes namespace, expiry and spec.
Filter by componentRef, ownerRef, type or status. A page holds at most \`limit\` environments, possibly fewer (even none) when some are hidden from you; when \`nextPageToken\` is in the output, pass it as \`pageToken\` to read the next page.
Use it to find an environment's id for the other environment and deployment actions.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zod => listInput.schema(zod),
      output: zod => outputSchema(zod, environmentPage),
    },
    action: async ({ input, credentials }) => {
      const { params } = listInput.read(input);
      return {
        output: await environments.list(params, { credentials }),
      };
    },
  });

  actionsRegistry.register({
    name: 'get-environment',
    title: 'Get an environment',
    description: `Gets one environment by its id: its status and reason (why it is not ready yet, or why it failed), the readiness of each part (conditions), its namespace, spec, expiry, and approval when its type requires one.
Refused (NotAllowedError) when you may not see it; NotFoundError when no environment has that id.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zod => getInput.schema(zod),
      output: zod => outputSchema(zod, environmentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params } = getInput.read(input);
      const id = knownId('environment', params.environmentId);
      return { output: await environments.get(id, { credentials }) };
    },
  });

  actionsRegistry.register({
    name: 'request-environment',
    title: 'Request an environment',
    description: `Requests a new environment for a component: a Kubernetes namespace with its type's baseline (quota, limits, network policy), the component's workload and the resources asked for (PostgreSQL, Redis).
Give componentRef (e.g. \`component:default/orders-service\`) and type (\`development\`, \`preview\`, \`staging\`, \`production\`, as the platform configures them); optionally a name (a DNS label; the type's name when left out), ttl for an ephemeral type (\`preview\`, e.g. \`4h\`), cpu and memory overrides within the type's bounds, an image, and resources such as \`[{ "type": "postgresql", "name": "db" }]\`.
It answers at once with the environment in status \`requested\`; provisioning continues in the background: follow it with get-environment until \`ready\` or \`failed\`. A type that requires approval (production) waits, provisioning nothing, until an approver decides.
Only the component's owners and platform admins may; a type may be limited to some groups.`,
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: zod => requestInput.schema(zod),
      output: zod => outputSchema(zod, environmentSchema),
    },
    action: async ({ input, credentials }) => {
      const { request } = requestInput.read(input);
      const environment = await audit(
        'request-environment',
        credentials,
        'environment-create',
        {
          componentRef: String(request.componentRef ?? ''),
          type: String(request.type ?? ''),
        },
        () => environments.create(request, { credentials }),
        result => ({ environmentId: result.id }),
      );
      return { output: environment };
    },
  });

  actionsRegistry.register({
    name: 'extend-environment',
    title: 'Extend an ephemeral environment',
    description: `Moves the expiry of an ephemeral environment (a type with a time to live, such as \`preview\`) to \`ttl\` from now, so that it is not torn down yet. The new expiry must be later than the current one and within the type's maximum time to live after the environment was created.
Environments that do not expire cannot be extended. Calling it again extends from the new time again.`,
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: zod => extendInput.schema(zod),
      output: zod => outputSchema(zod, environmentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params } = extendInput.read(input);
      const id = knownId('environment', params.environmentId);
      const environment = await audit(
        'extend-environment',
        credentials,
        'environment-extend',
        { environmentId: id, ttl: params.ttl },
        () => environments.extend(id, { ttl: params.ttl }, { credentials }),
        result => ({ environmentId: result.id }),
      );
      return { output: environment };
    },
  });

  actionsRegistry.register({
    name: 'delete-environment',
    title: 'Delete an environment',
    description: `Deletes an environment: its namespace, its workload and its resources (databases included, with their data) are torn down, in the background. It answers at once with the environment in status \`deleting\`; it ends \`deleted\`.
This cannot be undone. Deleting one that is already deleting or deleted changes nothing.`,
    attributes: { readOnly: false, idempotent: true, destructive: true },
    schema: {
      input: zod => deleteInput.schema(zod),
      output: zod => outputSchema(zod, environmentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params } = deleteInput.read(input);
      const id = knownId('environment', params.environmentId);
      const environment = await audit(
        'delete-environment',
        credentials,
        'environment-delete',
        { environmentId: id },
        () => environments.delete(id, { credentials }),
        result => ({ environmentId: result.id }),
      );
      return { output: environment };
    },
  });
}
