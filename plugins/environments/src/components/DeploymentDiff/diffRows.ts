import { ConfigChange } from '@internal/backstage-plugin-environments-common';

/** One value of a diff as the side-by-side view shows it. */
export type DiffRow = {
  path: string;
  /** The value's name within its group: `LOG_LEVEL`, `cpu`, or the group's own name. */
  label: string;
  change: ConfigChange['change'];
  /** What the left side shows; `undefined` when it was not set. */
  before?: string;
  /** What the right side shows; `undefined` when it is no longer set. */
  after?: string;
};

/** The changes of one part of a configuration. */
export type DiffGroup = { title: string; rows: DiffRow[] };

/** The parts of a configuration in the order the diff lists them. */
const GROUPS: ReadonlyArray<{ prefix: string; title: string }> = [
  { prefix: 'image', title: 'Image' },
  { prefix: 'port', title: 'Port' },
  { prefix: 'replicas', title: 'Replicas' },
  { prefix: 'env', title: 'Configuration values' },
  { prefix: 'secretRefs', title: 'Secret references' },
  { prefix: 'resources', title: 'Resources' },
];

/**
 * A secret reference is shown only as set, changed or removed: the contract
 * gives its key, never a value, and even the key is more than a reviewer of
 * a diff needs, so neither side shows it.
 */
function secretRow(
  path: string,
  label: string,
  change: ConfigChange['change'],
): DiffRow {
  switch (change) {
    case 'added':
      return { path, label, change, after: 'reference added' };
    case 'removed':
      return { path, label, change, before: 'reference set' };
    default:
      return {
        path,
        label,
        change,
        before: 'reference set',
        after: 'reference changed',
      };
  }
}

/**
 * The changes of a diff grouped for the side-by-side view: image, port,
 * replicas, configuration values, secret references and resources, each in
 * the diff's own (stable) order; groups without changes are left out. A
 * part the contract may add later still shows, under "Other".
 */
export function diffGroups(changes: ReadonlyArray<ConfigChange>): DiffGroup[] {
  const groups: DiffGroup[] = [
    ...GROUPS.map(({ title }) => ({ title, rows: [] })),
    { title: 'Other', rows: [] },
  ];
  for (const { path, change, from, to } of changes) {
    const [prefix, ...rest] = path.split('.');
    const known = GROUPS.findIndex(group => group.prefix === prefix);
    const group = groups[known < 0 ? GROUPS.length : known];
    const label = rest.length > 0 ? rest.join('.') : group.title;
    group.rows.push(
      prefix === 'secretRefs'
        ? secretRow(path, label, change)
        : {
            path,
            label: known < 0 ? path : label,
            change,
            before: from === undefined ? undefined : String(from),
            after: to === undefined ? undefined : String(to),
          },
    );
  }
  return groups.filter(group => group.rows.length > 0);
}
