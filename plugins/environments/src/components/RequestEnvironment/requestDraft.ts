import {
  EnvironmentRequest,
  EnvironmentType,
  EnvironmentTypeDescription,
  PostgresqlResource,
  ValidationIssue,
  validateEnvironmentRequest,
} from '@internal/backstage-plugin-environments-common';

/**
 * A PostgreSQL database as typed into the form: each field of the shared
 * resource schema as a string, empty when left out.
 */
export type DatabaseDraft = Record<
  Exclude<keyof PostgresqlResource, 'type'>,
  string
> & {
  /** Tells the rows apart while they are added and removed. */
  key: number;
};

/** The request form as typed: every field a string, empty when left out. */
export type RequestDraft = {
  componentRef: string;
  type: string;
  name: string;
  ttl: string;
  cpu: string;
  memory: string;
  databases: DatabaseDraft[];
};

export const emptyDraft = (componentRef = ''): RequestDraft => ({
  componentRef,
  type: '',
  name: '',
  ttl: '',
  cpu: '',
  memory: '',
  databases: [],
});

/**
 * The request the form sends: empty fields left out so that the backend
 * applies its defaults, and a time to live only for an ephemeral type (the
 * field is hidden for the others).
 */
export function toEnvironmentRequest(
  draft: RequestDraft,
  type: EnvironmentTypeDescription | undefined,
): EnvironmentRequest {
  const overrides = {
    ...(draft.cpu && { cpu: draft.cpu }),
    ...(draft.memory && { memory: draft.memory }),
  };
  return {
    componentRef: draft.componentRef,
    type: draft.type,
    ...(draft.name && { name: draft.name }),
    ...(type?.ephemeral && draft.ttl && { ttl: draft.ttl }),
    ...(Object.keys(overrides).length > 0 && { overrides }),
    ...(draft.databases.length > 0 && {
      resources: draft.databases.map(
        (database): PostgresqlResource => ({
          type: 'postgresql',
          name: database.name,
          ...(database.version && { version: database.version }),
          ...(database.storage && { storage: database.storage }),
        }),
      ),
    }),
  };
}

/** The types by name, as `validateEnvironmentRequest` takes them. */
export function typesByName(
  types: EnvironmentTypeDescription[],
): Record<string, EnvironmentType> {
  return Object.fromEntries(
    types.map(({ name, allowed: _allowed, ...type }) => [name, type]),
  );
}

/**
 * The issues of a draft, with the same rules as the backend (the shared zod
 * schema), said the way a form says them where a field is simply empty.
 */
export function validateDraft(
  draft: RequestDraft,
  types: EnvironmentTypeDescription[],
): ValidationIssue[] {
  const type = types.find(t => t.name === draft.type);
  const result = validateEnvironmentRequest(
    toEnvironmentRequest(draft, type),
    typesByName(types),
  );
  const issues = result.ok ? [] : result.issues;
  return issues.map(issue => {
    if (issue.field === 'componentRef' && !draft.componentRef) {
      return { field: issue.field, rule: 'Choose the component it is for' };
    }
    if (issue.field === 'type' && !draft.type) {
      return { field: issue.field, rule: 'Choose an environment type' };
    }
    return issue;
  });
}

/** The form's fields by the path of the issues about them. */
export function fieldLabel(field: string): string | undefined {
  const labels: Record<string, string> = {
    componentRef: 'Component',
    type: 'Environment type',
    name: 'Name',
    ttl: 'Time to live',
    'overrides.cpu': 'CPU',
    'overrides.memory': 'Memory',
  };
  if (labels[field]) {
    return labels[field];
  }
  const database = /^resources\.(\d+)\.(name|version|storage)$/.exec(field);
  if (database) {
    const [, index, part] = database;
    return `Database ${Number(index) + 1} ${part}`;
  }
  return undefined;
}

/** An issue's rule as a sentence: "Must be at most 4, ...". */
export function sentence(rule: string): string {
  return rule.charAt(0).toLocaleUpperCase('en-US') + rule.slice(1);
}
