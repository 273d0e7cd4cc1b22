import {
  deploymentSchema,
  deployRequestSchema,
  environmentRequestSchema,
} from '@internal/backstage-plugin-environments-common';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { z as registryZod } from 'zod/v3';
import {
  contractJsonSchema,
  JsonObjectSchema,
  registrySchema,
} from './registrySchema';

/** What Backstage's registry (its test double converts as it does) shows of a schema. */
async function shown(json: JsonObjectSchema) {
  const registry = actionsRegistryServiceMock();
  registry.register({
    name: 'shown',
    title: 'Shown',
    description: 'Shows a schema',
    schema: {
      input: zod => registrySchema(zod, json),
      output: zod => zod.object({}),
    },
    action: async () => ({ output: {} }),
  });
  const [action] = (await registry.list()).actions;
  return action.schema.input as any;
}

describe('registrySchema', () => {
  it.each([
    ['the deploy request', deployRequestSchema, 'input' as const],
    ['the environment request', environmentRequestSchema, 'input' as const],
    ['a deployment', deploymentSchema, 'output' as const],
  ])(
    'shows the registry the JSON Schema of %s, as the contract writes it',
    async (_what, contract, io) => {
      const json = contractJsonSchema(contract, io);
      const rebuilt = await shown(json);

      expect(rebuilt.type).toBe('object');
      expect(rebuilt.additionalProperties).toBe(false);
      expect(Object.keys(rebuilt.properties)).toEqual(
        Object.keys(json.properties),
      );
      expect(rebuilt.required ?? []).toEqual(json.required ?? []);
      const rules = (properties: Record<string, any>) =>
        Object.fromEntries(
          Object.entries(properties).map(([key, property]) => [
            key,
            Object.fromEntries(
              ['pattern', 'enum', 'minLength', 'maxLength']
                .filter(keyword => keyword in property)
                .map(keyword => [keyword, property[keyword]]),
            ),
          ]),
        );
      expect(rules(rebuilt.properties)).toEqual(rules(json.properties));
    },
  );

  it('hands on what it would refuse unchanged, for the contract to refuse by field', () => {
    const schema = registrySchema(
      registryZod,
      contractJsonSchema(deployRequestSchema, 'input'),
    );
    const bad = { tag: '-latest', replicas: 'two', surprise: true };

    expect(schema.safeParse(bad)).toEqual({ success: true, data: bad });
  });

  it('gives back valid input as it came', () => {
    const schema = registrySchema(
      registryZod,
      contractJsonSchema(deployRequestSchema, 'input'),
    );
    const good = { tag: '1.5.0', env: { LOG_LEVEL: 'debug', OLD: null } };

    expect(schema.safeParse(good)).toEqual({ success: true, data: good });
  });
});
