import {
  parseWithIssues,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { z } from 'zod';
import { NotFoundError } from '@backstage/errors';
import { invalidInput } from '../service/EnvironmentsService';
import { isResourceId } from '../service/resourceIds';
import {
  contractJsonSchema,
  JsonObjectSchema,
  registrySchema,
  RegistryZod,
} from './registrySchema';

/**
 * An action's input: its own parameters (which environment, which page),
 * and, for a change, the fields of the request it makes, which are those of
 * the REST API's request body and checked by the same contract, in the
 * service. The two are one flat object, as a person or an assistant writes
 * it: `{ environmentId, image }`, not `{ environmentId, body: { image } }`.
 */
export class ActionInput<P extends z.ZodRawShape> {
  private readonly params: z.ZodObject<P>;

  constructor(
    /** What the input is, in refusals: `Invalid <what>: ...`. */
    private readonly what: string,
    params: P,
    /** The REST API's request contract; without one, unknown fields are refused. */
    private readonly request?: z.ZodType,
  ) {
    this.params = z.object(params);
  }

  /** The registry's (zod 3) schema, describing the parameters and the request together. */
  schema(zod: RegistryZod) {
    return registrySchema<z.input<z.ZodObject<P>> & Record<string, unknown>>(
      zod,
      this.jsonSchema(),
    );
  }

  jsonSchema(): JsonObjectSchema {
    const params = contractJsonSchema(this.params, 'input');
    if (!this.request) {
      return { ...params, additionalProperties: false };
    }
    const request = contractJsonSchema(this.request, 'input');
    return {
      ...request,
      type: 'object',
      properties: { ...params.properties, ...request.properties },
      required: [...(params.required ?? []), ...(request.required ?? [])],
    };
  }

  /**
   * The parameters, parsed, and the rest of the input as the request, for
   * the service to check. A refusal names each field and rule.
   */
  read(input: unknown): {
    params: z.output<z.ZodObject<P>>;
    request: Record<string, unknown>;
  } {
    const object =
      typeof input === 'object' && input !== null && !Array.isArray(input)
        ? (input as Record<string, unknown>)
        : undefined;
    if (!object) {
      throw invalidInput(this.what, [
        { field: '(input)', rule: 'must be an object' },
      ]);
    }
    const request = Object.fromEntries(
      Object.entries(object).filter(([key]) => !(key in this.params.shape)),
    );
    const issues: ValidationIssue[] = [];
    const parsed = parseWithIssues(this.params, object);
    if (!parsed.success) {
      issues.push(...parsed.issues);
    }
    if (!parsed.success && this.request) {
      // The service would check the request only once the parameters are
      // right; one refusal that lists every problem saves a round trip.
      const checked = parseWithIssues(this.request, request);
      if (!checked.success) issues.push(...checked.issues);
    }
    if (!this.request) {
      issues.push(
        ...Object.keys(request).map(field => ({
          field,
          rule: 'is not a known field',
        })),
      );
    }
    if (!parsed.success || issues.length > 0) {
      throw invalidInput(this.what, issues);
    }
    return { params: parsed.data, request };
  }
}

/** An environment's or a deployment's id, as the actions take it. */
export const resourceId = (what: 'environment' | 'deployment') =>
  z
    .string()
    .min(1, 'must not be empty')
    .describe(
      what === 'environment'
        ? "The environment's id, as list-environments and get-environment give it (the `id` field)."
        : "The deployment's id, as list-deployments and the deploy actions give it (the `id` field).",
    );

/**
 * The REST API answers 404 to an id of another form (it names no
 * environment, and must not reach the database); so do the actions.
 */
export function knownId(what: 'environment' | 'deployment', id: string) {
  if (!isResourceId(id)) {
    throw new NotFoundError(`No ${what} with id '${id}'`);
  }
  return id;
}
