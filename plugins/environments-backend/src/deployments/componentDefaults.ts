import {
  ConfigLayerValues,
  configLayerValuesSchema,
} from '@internal/backstage-plugin-environments-common';

/*
 * The component layer of a configuration: what a component declares about
 * how it runs, in its catalog-info.yaml annotations. Read here only, for the
 * deployments' configuration and for the reconciler's workload of an
 * environment that has no deployment yet.
 */

export const IMAGE_ANNOTATION = 'environments.idp.dev/image';
export const PORT_ANNOTATION = 'environments.idp.dev/port';
export const REPLICAS_ANNOTATION = 'environments.idp.dev/replicas';
export const CPU_ANNOTATION = 'environments.idp.dev/cpu';
export const MEMORY_ANNOTATION = 'environments.idp.dev/memory';
/** `environments.idp.dev/env.LOG_LEVEL: debug` sets `LOG_LEVEL`. */
export const ENV_ANNOTATION_PREFIX = 'environments.idp.dev/env.';

const shape = configLayerValuesSchema.shape;

function wholeNumber(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

/** The component's defaults, and the annotations that were left out because they are invalid. */
export type ComponentDefaults = {
  values: ConfigLayerValues;
  /** `<annotation>: <rule>`, for a debug line; never a reason to refuse. */
  ignored: string[];
};

/**
 * Reads a component's defaults from its annotations. An invalid annotation
 * is left out (the lower layer applies), since the component's authors, not
 * the one deploying, would have to fix it.
 */
export function componentDefaults(
  annotations: Record<string, string> | undefined,
): ComponentDefaults {
  const values: ConfigLayerValues = {};
  const ignored: string[] = [];
  const read = <T>(
    annotation: string,
    schema: { safeParse(value: unknown): { success: boolean; data?: T } },
    value: unknown,
    set: (parsed: T) => void,
  ) => {
    const result = schema.safeParse(value);
    if (result.success) set(result.data as T);
    else ignored.push(`${annotation}: ${String(value)}`);
  };
  const given = annotations ?? {};
  if (given[IMAGE_ANNOTATION] !== undefined) {
    read(IMAGE_ANNOTATION, shape.image, given[IMAGE_ANNOTATION].trim(), v => {
      values.image = v as string;
    });
  }
  for (const [annotation, key] of [
    [PORT_ANNOTATION, 'port'],
    [REPLICAS_ANNOTATION, 'replicas'],
  ] as const) {
    const text = given[annotation];
    if (text === undefined) continue;
    const number = wholeNumber(text);
    if (number === undefined) {
      ignored.push(`${annotation}: ${text}: must be a whole number`);
    } else {
      read(annotation, shape[key], number, v => {
        values[key] = v as number;
      });
    }
  }
  const resources: Record<string, string> = {};
  for (const [annotation, key] of [
    [CPU_ANNOTATION, 'cpu'],
    [MEMORY_ANNOTATION, 'memory'],
  ] as const) {
    if (given[annotation] !== undefined) {
      read(
        annotation,
        shape.resources,
        { [key]: given[annotation].trim() },
        v => {
          Object.assign(resources, v);
        },
      );
    }
  }
  if (Object.keys(resources).length > 0) values.resources = resources;
  const env: Record<string, string> = {};
  for (const [annotation, value] of Object.entries(given)) {
    if (!annotation.startsWith(ENV_ANNOTATION_PREFIX)) continue;
    const name = annotation.slice(ENV_ANNOTATION_PREFIX.length);
    read(annotation, shape.env, { [name]: value }, () => {
      env[name] = value;
    });
  }
  if (Object.keys(env).length > 0) {
    read('environments.idp.dev/env.*', shape.env, env, v => {
      values.env = v as Record<string, string>;
    });
  }
  return { values, ignored };
}
