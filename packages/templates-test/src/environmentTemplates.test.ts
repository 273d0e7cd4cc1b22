import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  deployRequestSchema,
  environmentNamespace,
  EnvironmentTypeDescription,
} from '@internal/backstage-plugin-environments-common';
import Ajv from 'ajv';
import ajvErrors from 'ajv-errors';
import { appConfigEnvironmentTypes } from './__testUtils__/appConfig';
import {
  APP_BASE_URL,
  startScaffolder,
} from './__testUtils__/scaffolderDryRun';
import {
  environmentTemplates,
  readTemplateFolder,
  TemplateFolder,
} from './__testUtils__/templates';

jest.setTimeout(120_000);

const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** The scaffolder form's validator: ajv 8 with ajv-errors, as its Stepper sets it up. */
function formValidator(schema: object) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvErrors(ajv);
  return ajv.compile(schema);
}

/** The form's pages, each validated on its own as the Stepper does. */
function pages(folder: TemplateFolder): any[] {
  return [folder.template.spec.parameters].flat() as any[];
}

/** The fields the form's errors name, and their messages. */
function errorsOf(validate: ReturnType<typeof formValidator>) {
  return (validate.errors ?? []).map(e => ({
    field: e.instancePath,
    message: e.message,
  }));
}

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
let scaffolder: Awaited<ReturnType<typeof startScaffolder>>;
let types: EnvironmentTypeDescription[];

beforeAll(async () => {
  types = await appConfigEnvironmentTypes();
  scaffolder = await startScaffolder({
    database: await databases.init('SQLITE_3'),
    environmentTypes: types,
  });
});

afterAll(async () => {
  await scaffolder?.stop();
});

describe.each(environmentTemplates)('the $template template', expected => {
  it('is a valid Template of its own type, owned by the platform team', async () => {
    const { template } = await readTemplateFolder(expected.template);
    await expect(
      entityPolicy.enforce(template as Entity),
    ).resolves.toBeDefined();
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
    expect(template.metadata.name).toBe(expected.template);
    // Not "service", the golden paths' type: the Create page groups by it.
    expect(template.spec.type).toBe(expected.type);
    expect(template.spec.owner).toBe('group:default/platform-team');
    expect(template.metadata.tags).toEqual(
      expect.arrayContaining([expected.type, 'kubernetes']),
    );
  });

  it("offers the user's own components, and takes another one's name typed in", async () => {
    const [where] = pages(await readTemplateFolder(expected.template));
    expect(where.properties.component).toMatchObject({
      type: 'string',
      'ui:field': 'OwnedEntityPicker',
      'ui:options': {
        catalogFilter: { kind: 'Component' },
        // A name typed in becomes component:default/<name>.
        defaultKind: 'Component',
        defaultNamespace: 'default',
        allowArbitraryValues: true,
      },
    });
    expect(where.required).toContain('component');
  });
});

describe('the request-environment template', () => {
  let folder: TemplateFolder;
  beforeAll(async () => {
    folder = await readTemplateFolder('request-environment');
    scaffolder.environmentRequests.length = 0;
  });

  const values = {
    component: 'component:default/orders-service',
    type: 'preview',
    name: 'pr-42',
    ttl: '1d',
    overrides: { cpu: '1', memory: '2Gi' },
    wait: true,
  };

  it("offers app-config.yaml's environment types, each with its description", () => {
    const [{ properties }] = pages(folder);
    expect(properties.type.enum).toEqual(types.map(t => t.name));
    expect(properties.type.default).toBe('development');
    properties.type['ui:enumNames'].forEach((label: string, i: number) => {
      expect(
        label.startsWith(`${types[i].name}: ${types[i].description}`),
      ).toBe(true);
    });
  });

  it('asks for a time to live for ephemeral types only', () => {
    const [page] = pages(folder);
    const [withTtl, withoutTtl] = page.dependencies.type.oneOf;
    expect(withTtl.properties.type.enum).toEqual(
      types.filter(t => t.ephemeral).map(t => t.name),
    );
    expect(withTtl.properties.ttl).toMatchObject({ type: 'string' });
    for (const type of types.filter(t => t.ephemeral)) {
      expect(withTtl.properties.ttl['ui:help']).toContain(
        `${type.ttl!.default} unless you say; at most ${type.ttl!.max}`,
      );
    }
    expect(withoutTtl.properties.type.enum).toEqual(
      types.filter(t => !t.ephemeral).map(t => t.name),
    );
    expect(withoutTtl.properties.ttl).toBeUndefined();
  });

  it("states each type's baseline and bounds next to the overrides", () => {
    const [, resources] = pages(folder);
    const description: string = resources.properties.overrides.description;
    const [, baseline, bounds] =
      /Baseline: (.*) Bounds: (.*)$/.exec(description) ?? [];
    expect(baseline.split('; ').map(s => s.replace(/\.$/, ''))).toEqual(
      types.map(
        t =>
          `${t.name} ${t.baseline.quota.cpu} CPUs, ${t.baseline.quota.memory}`,
      ),
    );
    expect(bounds.split('; ').map(s => s.replace(/\.$/, ''))).toEqual(
      types.map(t => `${t.name} ${t.bounds.cpu} CPUs, ${t.bounds.memory}`),
    );
  });

  it('accepts a good request and names the field of a bad one', () => {
    const [first, second] = pages(folder).map(formValidator);
    expect(first(values)).toBe(true);
    expect(second(values)).toBe(true);
    expect(first({ component: values.component, type: 'development' })).toBe(
      true,
    );

    expect(first({ ...values, name: 'PR_42' })).toBe(false);
    expect(errorsOf(first)).toEqual([
      {
        field: '/name',
        message: expect.stringContaining(
          'Use only lowercase letters (a-z), digits (0-9) and hyphens (-)',
        ),
      },
    ]);
    expect(first({ ...values, type: 'qa' })).toBe(false);
    expect(errorsOf(first)).toContainEqual({
      field: '/type',
      message: expect.stringContaining('Choose one of the configured types'),
    });
    expect(first({ ...values, ttl: '1 day' })).toBe(false);
    expect(errorsOf(first)).toContainEqual({
      field: '/ttl',
      message: expect.stringContaining(
        'a whole number of minutes, hours or days',
      ),
    });
    expect(first({ component: values.component })).toBe(false);
    expect(errorsOf(first)).toEqual([
      expect.objectContaining({
        message: "must have required property 'type'",
      }),
    ]);

    expect(second({ overrides: { cpu: 'two', memory: '2GB' } })).toBe(false);
    expect(errorsOf(second)).toEqual([
      {
        field: '/overrides/cpu',
        message: expect.stringContaining('Give cores, such as "2"'),
      },
      {
        field: '/overrides/memory',
        message: expect.stringContaining('Give a quantity such as "512Mi"'),
      },
    ]);
  });

  it('requests what the form says through environments:request, and links to the environment and its namespace', async () => {
    expect(folder.template.spec.steps.map(s => [s.id, s.action])).toEqual([
      ['request', 'environments:request'],
    ]);
    scaffolder.environmentRequests.length = 0;
    const result = await scaffolder.run(folder, values);

    expect(scaffolder.environmentRequests).toEqual([
      {
        componentRef: 'component:default/orders-service',
        type: 'preview',
        name: 'pr-42',
        ttl: '1d',
        overrides: { cpu: '1', memory: '2Gi' },
        wait: true,
      },
    ]);
    const [environment] = (
      await scaffolder.environments.listEnvironments({
        componentRef: 'component:default/orders-service',
      })
    ).items.filter(e => e.name === 'pr-42');
    expect(environment.status).toBe('ready');
    expect(result.output.links).toEqual([
      {
        title: 'Environment page',
        icon: 'dashboard',
        url: `${APP_BASE_URL}/environments/${environment.id}`,
      },
      {
        title: 'Its namespace in Kubernetes',
        icon: 'kind:resource',
        url: '/catalog/default/component/orders-service/kubernetes',
      },
      {
        title: 'Component',
        icon: 'catalog',
        entityRef: 'component:default/orders-service',
      },
    ]);
    expect(result.output.text).toEqual([
      {
        title: 'Environment',
        content: `Environment \`${
          environment.id
        }\` is **ready** in namespace \`${environmentNamespace(
          'component:default/orders-service',
          'pr-42',
        )}\`.`,
      },
    ]);
  });

  it('leaves to the type what the form leaves empty', async () => {
    scaffolder.environmentRequests.length = 0;
    await scaffolder.run(folder, {
      component: 'component:default/payments-service',
      type: 'development',
      wait: false,
    });
    expect(scaffolder.environmentRequests).toEqual([
      {
        componentRef: 'component:default/payments-service',
        type: 'development',
        wait: false,
      },
    ]);
  });

  it("is refused with the field and the rule when it breaks the type's rules", async () => {
    // The form cannot know the bounds and which types expire; the action
    // checks them with the backend's rules.
    const refused = await scaffolder.dryRun(folder, {
      component: 'component:default/orders-service',
      type: 'development',
      name: 'big',
      ttl: '1d',
      overrides: { cpu: '64' },
      wait: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      [
        'Invalid environment request:',
        'ttl: is only allowed for ephemeral environment types, and type development does not expire',
        'overrides.cpu: must be at most 4, the cpu bound of type development (got "64")',
      ].join('\n'),
    );
  });
});

describe('the deploy-version template', () => {
  let folder: TemplateFolder;
  const componentRef = 'component:default/shipping-service';
  let environmentId: string;

  beforeAll(async () => {
    folder = await readTemplateFolder('deploy-version');
    environmentId = scaffolder.environments.add({
      componentRef,
      name: 'development',
      type: 'development',
      status: 'ready',
      spec: {
        componentRef,
        name: 'development',
        type: 'development',
        resources: [],
        image: 'registry.local/shipping-service:1.0.0',
      },
    }).id;
  });

  it("picks one of the component's environments with the portal's EnvironmentPicker", () => {
    const [where] = pages(folder);
    expect(where.properties.environment).toMatchObject({
      type: 'string',
      'ui:field': 'EnvironmentPicker',
      'ui:options': { componentField: 'component' },
    });
    expect(where.required).toEqual(['component', 'environment']);
  });

  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  const tags = ['1.4.2', 'v1.2.3', 'main_2026-12-02'];
  const images = [
    'registry.local/orders-service:1.4.2',
    `registry.local/orders-service@${digest}`,
    `localhost:5000/acme/orders-service:1.4.2@${digest}`,
    'orders-service:1.4.2',
  ];
  const bad = [
    '1.4.2 beta',
    '.hidden',
    'Registry.local/Orders-Service:1.4.2',
    'registry.local/orders-service:1:2',
    `registry.local/orders-service@sha256:abc`,
  ];

  it('takes a tag or a whole image reference as the API does, and names the version when neither', () => {
    const [, version] = pages(folder).map(formValidator);
    // The API's rules for each: deployRequestSchema's tag and image.
    const asTag = (tag: string) => deployRequestSchema.safeParse({ tag });
    const asImage = (image: string) => deployRequestSchema.safeParse({ image });
    for (const tag of tags) {
      expect({ tag, valid: version({ version: tag }) }).toEqual({
        tag,
        valid: true,
      });
      expect(asTag(tag).success).toBe(true);
    }
    for (const image of images) {
      expect({ image, valid: version({ version: image }) }).toEqual({
        image,
        valid: true,
      });
      expect(asImage(image).success).toBe(true);
    }
    for (const value of bad) {
      expect({ value, valid: version({ version: value }) }).toEqual({
        value,
        valid: false,
      });
      expect(errorsOf(version)).toEqual([
        {
          field: '/version',
          message: expect.stringContaining('Give a tag'),
        },
      ]);
      // The API refuses it too, as a tag and as an image.
      expect(asTag(value).success).toBe(false);
      expect(asImage(value).success).toBe(false);
    }
    expect(version({ version: '1.4.2', message: 'x'.repeat(1001) })).toBe(
      false,
    );
    expect(errorsOf(version)).toEqual([
      { field: '/message', message: 'Use at most 1000 characters.' },
    ]);
  });

  it('deploys a tag through environments:deploy and links to the deployment history', async () => {
    expect(folder.template.spec.steps.map(s => [s.id, s.action])).toEqual([
      ['deploy', 'environments:deploy'],
    ]);
    scaffolder.deploymentRequests.length = 0;
    const result = await scaffolder.run(folder, {
      component: componentRef,
      environment: 'development',
      version: '1.4.2',
      message: 'Release 1.4.2',
    });
    expect(scaffolder.deploymentRequests).toEqual([
      {
        componentRef,
        environment: 'development',
        tag: '1.4.2',
        message: 'Release 1.4.2',
        wait: true,
      },
    ]);
    const { items } = await scaffolder.environments.listDeployments(
      environmentId,
    );
    expect(items[0]).toMatchObject({
      state: 'succeeded',
      version: '1.4.2',
      source: 'scaffolder',
      message: 'Release 1.4.2',
    });
    expect(result.output.links).toEqual([
      {
        title: 'Deployment history',
        icon: 'dashboard',
        url: `${APP_BASE_URL}/environments/${environmentId}?tab=deployments`,
      },
      { title: 'Component', icon: 'catalog', entityRef: componentRef },
    ]);
    expect(result.output.text).toEqual([
      {
        title: 'Deployment',
        content: `Deployment \`${items[0].id}\` of **1.4.2** to development is **succeeded**.`,
      },
    ]);
  });

  it('deploys a whole image reference, by digest, as image', async () => {
    scaffolder.deploymentRequests.length = 0;
    const image = `registry.local/orders-service@${digest}`;
    await scaffolder.run(folder, {
      component: componentRef,
      environment: 'development',
      version: image,
    });
    expect(scaffolder.deploymentRequests).toEqual([
      { componentRef, environment: 'development', image, wait: true },
    ]);
  });

  it('fails naming the environments the component has when it has no such one', async () => {
    const refused = await scaffolder.dryRun(folder, {
      component: componentRef,
      environment: 'qa',
      version: '1.4.2',
    });
    expect(JSON.stringify(refused.body)).toContain(
      "has no environment named 'qa'; it has development",
    );
  });
});
