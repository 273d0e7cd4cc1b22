import { TestDatabases } from '@backstage/backend-test-utils';
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  ciDeployRequestSchema,
  environmentNamespace,
} from '@internal/backstage-plugin-environments-common';
import Ajv from 'ajv';
import ajvErrors from 'ajv-errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { runCommand, writeProject } from './__testUtils__/generatedProject';
import {
  DryRunResult,
  startScaffolder,
} from './__testUtils__/scaffolderDryRun';
import {
  environmentTemplates,
  listTemplateFolders,
  readTemplateFolder,
  repoRoot,
  TemplateFolder,
} from './__testUtils__/templates';

jest.setTimeout(120_000);

interface GoldenPath {
  template: string;
  /** How the generated project runs its own tests, as its CI does. */
  test: [command: string, args: string[]];
  /** How many tests passed, read from the test runner's summary. */
  passed: (output: string) => number;
  providesApi: boolean;
  /** Whether the project is TypeScript, typechecked by its CI. */
  typescript: boolean;
}

const nodeTestPassed = (output: string) =>
  /^# fail 0$/m.test(output) ? Number(/^# pass (\d+)$/m.exec(output)?.[1]) : 0;
const unittestPassed = (output: string) =>
  /^OK$/m.test(output) ? Number(/^Ran (\d+) tests?/m.exec(output)?.[1]) : 0;

const goldenPaths: GoldenPath[] = [
  {
    template: 'typescript-http-service',
    test: [process.execPath, ['--test']],
    passed: nodeTestPassed,
    providesApi: true,
    typescript: true,
  },
  {
    template: 'python-http-service',
    test: ['python3', ['-m', 'unittest', 'discover', '-v']],
    passed: unittestPassed,
    providesApi: true,
    typescript: false,
  },
  {
    template: 'background-worker',
    test: [process.execPath, ['--test']],
    passed: nodeTestPassed,
    providesApi: false,
    typescript: true,
  },
];

/** What a developer fills in; the description tests quoting in JSON and YAML. */
const values = {
  name: 'good-name',
  description: 'Greets people: "politely", #1 in greetings.',
  owner: 'group:default/payments-team',
  system: 'system:default/payments',
  repoUrl: 'localhost:3300?owner=idp&repo=good-name',
  requestEnvironment: true,
};

const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** Validates like the catalog: the common policies, then the kind's schema. */
async function expectValidEntity(
  entity: Entity,
  validator: { check(entity: Entity): Promise<boolean> },
) {
  await expect(entityPolicy.enforce(entity)).resolves.toBeDefined();
  await expect(validator.check(entity)).resolves.toBe(true);
}

/** The scaffolder form's validator: ajv 8 with ajv-errors, as its Stepper sets it up. */
function formValidator(schema: object) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvErrors(ajv);
  return ajv.compile(schema);
}

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
let scaffolder: Awaited<ReturnType<typeof startScaffolder>>;

beforeAll(async () => {
  scaffolder = await startScaffolder({
    database: await databases.init('SQLITE_3'),
  });
});

afterAll(async () => {
  await scaffolder?.stop();
});

it('tests every template in templates/: the golden paths here, the others in environmentTemplates.test.ts', async () => {
  expect(await listTemplateFolders()).toEqual(
    [
      ...goldenPaths.map(p => p.template),
      ...environmentTemplates.map(t => t.template),
    ].sort(),
  );
  for (const { template } of goldenPaths) {
    expect((await readTemplateFolder(template)).template.spec.type).toBe(
      'service',
    );
  }
});

it('asks the same questions in every template', async () => {
  const parameters = await Promise.all(
    goldenPaths.map(
      async p =>
        (
          await readTemplateFolder(p.template)
        ).template.spec.parameters,
    ),
  );
  for (const other of parameters.slice(1)) {
    expect(other).toEqual(parameters[0]);
  }
});

describe.each(goldenPaths)('the $template template', goldenPath => {
  let folder: TemplateFolder;
  let result: DryRunResult;
  const file = (name: string) => {
    const found = result.files.find(f => f.path === name);
    if (!found) throw new Error(`${name} was not generated`);
    return found.content;
  };

  beforeAll(async () => {
    folder = await readTemplateFolder(goldenPath.template);
    scaffolder.environmentRequests.length = 0;
    result = await scaffolder.run(folder, values);
  });

  it('is a valid Template entity', async () => {
    await expectValidEntity(folder.template, templateEntityV1beta3Validator);
    expect(folder.template.metadata.name).toBe(goldenPath.template);
  });

  it('asks for a name that is a DNS-1123 label and explains the rule in words', async () => {
    const [component] = [folder.template.spec.parameters].flat() as any[];
    const validate = formValidator(component);
    const withName = (name: string) => ({ ...values, name });

    expect(validate(withName('good-name'))).toBe(true);

    for (const bad of ['Bad_Name', '-leading-hyphen', 'trailing-hyphen-']) {
      expect(validate(withName(bad))).toBe(false);
      expect(validate.errors).toEqual([
        expect.objectContaining({
          instancePath: '/name',
          message: expect.stringContaining(
            'Use only lowercase letters (a-z), digits (0-9) and hyphens (-)',
          ),
        }),
      ]);
    }

    expect(validate(withName('a'.repeat(41)))).toBe(false);
    expect(validate.errors).toEqual([
      expect.objectContaining({
        instancePath: '/name',
        message: expect.stringContaining('Use at most 40 characters'),
      }),
    ]);
    expect(component.properties.name['ui:help']).toMatch(/lowercase letters/i);

    // The backend checks again, whatever the form let through.
    const refused = await scaffolder.dryRun(folder, withName('Bad_Name'));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('does not match pattern');
  });

  it('picks the owner among groups and the system among systems, and offers an environment', () => {
    const [component, repository] = folder.template.spec.parameters as any[];
    expect(component.properties.owner).toMatchObject({
      'ui:field': 'OwnerPicker',
      'ui:options': { catalogFilter: { kind: 'Group' } },
    });
    expect(component.properties.system).toMatchObject({
      'ui:field': 'EntityPicker',
      'ui:options': { catalogFilter: { kind: 'System' } },
    });
    expect(component.required).toEqual(
      expect.arrayContaining(['name', 'description', 'owner', 'system']),
    );
    expect(repository.properties.repoUrl).toMatchObject({
      default: 'localhost:3300?owner=idp',
      'ui:field': 'RepoUrlPicker',
      'ui:options': {
        allowedHosts: expect.arrayContaining(['localhost:3300']),
      },
    });
    expect(repository.properties.requestEnvironment).toMatchObject({
      type: 'boolean',
      default: false,
    });
  });

  it('publishes to Gitea, registers the component and requests a development environment', async () => {
    expect(
      folder.template.spec.steps.map(step => [step.id, step.action]),
    ).toEqual([
      ['fetch', 'fetch:template'],
      ['publish', 'publish:gitea'],
      ['register', 'catalog:register'],
      ['environment', 'environments:request'],
    ]);

    // A dry run skips publish:gitea and catalog:register, and gives each
    // step's output as "<example>"; their inputs must still suit them.
    const { publish, register } = result.skippedStepInputs as any;
    expect(publish).toMatchObject({
      repoUrl: values.repoUrl,
      description: values.description,
      defaultBranch: 'main',
    });
    expect(register).toEqual({
      repoContentsUrl: '<example>',
      catalogInfoPath: 'catalog-info.yaml',
    });
    // Relative to publish:gitea's repoContentsUrl, it names the file on the branch.
    expect(
      new URL(
        register.catalogInfoPath,
        'http://localhost:3300/idp/orders-service/src/branch/main/',
      ).href,
    ).toBe(
      'http://localhost:3300/idp/orders-service/src/branch/main/catalog-info.yaml',
    );
    const schemas = await scaffolder.actionSchemas();
    for (const [action, input] of [
      ['publish:gitea', publish],
      ['catalog:register', register],
    ]) {
      const validate = new Ajv({ strict: false }).compile(
        schemas[action].input!,
      );
      expect({
        action,
        valid: validate(input),
        errors: validate.errors,
      }).toEqual({
        action,
        valid: true,
        errors: null,
      });
    }

    expect(scaffolder.environmentRequests).toEqual([
      {
        componentRef: 'component:default/good-name',
        type: 'development',
        wait: true,
      },
    ]);
  });

  it('links to the repository, the catalog entity and the environment', () => {
    expect(result.output.links).toEqual([
      { title: 'Repository', icon: 'web', url: '<example>' },
      {
        title: 'Open in catalog',
        icon: 'catalog',
        entityRef: 'component:default/good-name',
      },
      {
        title: 'Development environment',
        icon: 'dashboard',
        url: '/catalog/default/component/good-name/kubernetes',
      },
    ]);
    expect(result.output.text).toEqual([
      {
        title: 'Development environment',
        content: `Environment \`env-0001\` is **ready** in namespace \`${environmentNamespace(
          'component:default/good-name',
          'development',
        )}\`.`,
      },
    ]);
  });

  it('requests no environment, and links to none, unless asked to', async () => {
    scaffolder.environmentRequests.length = 0;
    const withoutEnvironment = await scaffolder.run(folder, {
      ...values,
      requestEnvironment: false,
    });
    expect(scaffolder.environmentRequests).toEqual([]);
    expect(withoutEnvironment.output.links?.map(l => l.title)).toEqual([
      'Repository',
      'Open in catalog',
    ]);
    expect(withoutEnvironment.output.text ?? []).toEqual([]);
  });

  it('generates a catalog-info.yaml with owner, system, links and deployment settings', async () => {
    const entities = parseAllDocuments(file('catalog-info.yaml')).map(
      doc => doc.toJS() as Entity,
    );
    const component = entities.find(e => e.kind === 'Component')!;
    await expectValidEntity(component, componentEntityV1alpha1Validator);
    expect(component.metadata).toMatchObject({
      name: 'good-name',
      description: values.description,
      annotations: {
        'backstage.io/kubernetes-id': 'good-name',
        'environments.idp.dev/image': 'registry.local/good-name:latest',
        'environments.idp.dev/port': '8080',
        'environments.idp.dev/replicas': '1',
      },
      links: expect.arrayContaining([
        expect.objectContaining({ url: 'http://localhost:3300/idp/good-name' }),
      ]),
    });
    expect(component.spec).toMatchObject({
      type: 'service',
      lifecycle: 'experimental',
      owner: values.owner,
      system: values.system,
    });

    const apis = entities.filter(e => e.kind === 'API');
    const apiNames = goldenPath.providesApi ? ['good-name-api'] : [];
    expect(apis.map(a => a.metadata.name)).toEqual(apiNames);
    expect(component.spec?.providesApis ?? []).toEqual(apiNames);

    for (const api of apis) {
      // The catalog replaces $text with the file it names, relative to
      // catalog-info.yaml.
      const { $text } = api.spec?.definition as { $text: string };
      const definition = file(path.posix.normalize($text));
      await expectValidEntity(
        { ...api, spec: { ...api.spec, definition } },
        apiEntityV1alpha1Validator,
      );
      expect(api.spec).toMatchObject({
        type: 'openapi',
        owner: values.owner,
        system: values.system,
      });
      const openapi = parse(definition);
      expect(openapi.openapi).toMatch(/^3\./);
      expect(openapi.info.description).toBe(values.description);
      expect(Object.keys(openapi.paths)).toEqual(['/healthz', '/api/greeting']);
    }
  });

  it('generates a project whose own tests pass with nothing installed', async () => {
    const dir = await writeProject(result.files);
    try {
      const [command, args] = goldenPath.test;
      const { exitCode, output } = await runCommand(command, args, dir);
      expect({ exitCode, output }).toEqual({
        exitCode: 0,
        output: expect.any(String),
      });
      expect(goldenPath.passed(output)).toBeGreaterThanOrEqual(3);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('generates a Dockerfile for the image and port, and CI that tests and builds it', () => {
    const dockerfile = file('Dockerfile');
    expect(dockerfile).toMatch(/^FROM /m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^CMD /m);

    const ci = parse(file('.github/workflows/ci.yaml'));
    const commands = (job: string) =>
      ci.jobs[job].steps
        .map((s: { run?: string }) => s.run)
        .filter(Boolean)
        .join('\n');
    const [command, args] = goldenPath.test;
    const testCommand =
      command === process.execPath
        ? 'npm test'
        : `python -m ${args.slice(1).join(' ')}`;
    expect(commands('test')).toContain(testCommand);
    expect(ci.jobs.image.needs).toBe('test');
    expect(ci.jobs.image.env.IMAGE).toBe('registry.local/good-name');
    expect(commands('image')).toContain('docker build');
    // GitHub Actions expressions survive templating untouched.
    expect(ci.jobs.image.env.REGISTRY_PASSWORD).toBe(
      '${{ secrets.REGISTRY_PASSWORD }}',
    );
    expect(ci.jobs.image.steps.find((s: { if?: string }) => s.if).if).toBe(
      "${{ github.event_name == 'push' && env.REGISTRY_PASSWORD != '' }}",
    );
  });

  it("generates CI that deploys each build of main or a tag through the platform's CI endpoint", () => {
    const ci = parse(file('.github/workflows/ci.yaml'));
    expect(ci.on.push).toEqual({ branches: ['main'], tags: ['v*'] });
    const imageTag =
      "${{ github.ref_type == 'tag' && github.ref_name || github.sha }}";
    expect(ci.jobs.image.env.TAG).toBe(imageTag);

    const deploy = ci.jobs.deploy;
    expect(deploy.needs).toBe('image');
    // Pushes only (main or a v* tag, by the triggers), once IDP_URL is set.
    expect(deploy.if).toBe(
      "${{ github.event_name == 'push' && vars.IDP_URL != '' }}",
    );
    expect(deploy.env).toEqual({
      IDP_URL: '${{ vars.IDP_URL }}',
      IDP_CI_TOKEN: '${{ secrets.IDP_CI_TOKEN }}',
      COMPONENT_REF: 'component:default/good-name',
      IMAGE: 'registry.local/good-name',
      TAG: imageTag,
    });
    const script = deploy.steps
      .map((s: { run?: string }) => s.run)
      .filter(Boolean)
      .join('\n');
    expect(script).toContain(
      'curl --fail-with-body --silent --show-error -X POST "$IDP_URL/api/environments/ci/deployments"',
    );
    expect(script).toContain('-H "Authorization: Bearer $IDP_CI_TOKEN"');
    expect(script).toContain('git log -1 --format=%cI "$GITHUB_SHA"');

    // The body the step sends, with the values a tag push gives it, is a
    // request the CI endpoint accepts.
    const [, format, argumentList] =
      /BODY=\$\(printf '([^']+)' \\\s+([^)]+)\)/.exec(script) ?? [];
    const tagPush: Record<string, string> = {
      COMPONENT_REF: deploy.env.COMPONENT_REF,
      IMAGE: deploy.env.IMAGE,
      TAG: 'v1.2.3',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      COMMIT_TIME: '2026-12-02T01:05:06+00:00',
      COMMIT_URL:
        'http://localhost:3300/idp/good-name/commit/0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF_NAME: 'v1.2.3',
    };
    const substituted = [...argumentList.matchAll(/"\$([A-Z_]+)"/g)].map(
      ([, name]) => tagPush[name],
    );
    const body = format.replace(/%s/g, () => substituted.shift()!);
    expect(ciDeployRequestSchema.parse(JSON.parse(body))).toEqual({
      componentRef: 'component:default/good-name',
      environment: 'development',
      image: 'registry.local/good-name:v1.2.3',
      commit: {
        sha: '0123456789abcdef0123456789abcdef01234567',
        time: '2026-12-02T01:05:06+00:00',
        url: 'http://localhost:3300/idp/good-name/commit/0123456789abcdef0123456789abcdef01234567',
      },
      message: 'Built by CI from v1.2.3',
    });
  });

  it('renders every file: a README, and no template syntax left over', () => {
    expect(file('README.md')).toContain('# good-name');
    expect(file('README.md')).toContain(values.description);
    for (const { path: name, content } of result.files) {
      expect({
        name,
        leftover: /\$\{\{\s*values\.|\{%|%\}/.test(content),
      }).toEqual({
        name,
        leftover: false,
      });
    }
    for (const manifest of result.files.filter(
      f => f.path === 'package.json',
    )) {
      expect(JSON.parse(manifest.content)).toMatchObject({
        name: 'good-name',
        description: values.description,
        scripts: { test: 'node --test' },
      });
    }
  });
});

describe.each(goldenPaths.filter(p => p.typescript))(
  'the $template template, in TypeScript',
  goldenPath => {
    it('generates a project that typechecks as its CI checks it', async () => {
      const folder = await readTemplateFolder(goldenPath.template);
      const result = await scaffolder.run(folder, values);
      const dir = await writeProject(result.files);
      try {
        // The project's devDependencies (typescript, @types/node) without a
        // network install: this repository's.
        await fs.symlink(
          path.join(repoRoot, 'node_modules'),
          path.join(dir, 'node_modules'),
          'dir',
        );
        const tsc = path.join(dir, 'node_modules/typescript/bin/tsc');
        const { exitCode, output } = await runCommand(
          process.execPath,
          [tsc, '--project', dir],
          dir,
        );
        expect({ exitCode, output }).toEqual({ exitCode: 0, output: '' });
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  },
);
