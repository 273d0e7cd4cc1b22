import { createHash } from 'node:crypto';
import { environmentNamespace, isDns1123Label } from './names';
import { sha256Hex } from './sha256';

describe('isDns1123Label', () => {
  it.each(['a', 'orders-service', 'pr-12', '1a', 'a'.repeat(63)])(
    'accepts %s',
    value => {
      expect(isDns1123Label(value)).toBe(true);
    },
  );

  it.each([
    ['uppercase letters', 'Orders'],
    ['a leading dash', '-orders'],
    ['a trailing dash', 'orders-'],
    ['an underscore', 'orders_service'],
    ['a dot', 'orders.service'],
    ['nothing', ''],
    ['64 characters', 'a'.repeat(64)],
  ])('rejects a value with %s', (_, value) => {
    expect(isDns1123Label(value)).toBe(false);
  });
});

describe('sha256Hex', () => {
  it.each([
    '',
    'abc',
    'component:default/orders-service',
    // Longer than one block, and a length that pads into a second one.
    'x'.repeat(55),
    'x'.repeat(56),
    'é'.repeat(200),
  ])('agrees with node:crypto on %j', text => {
    expect(sha256Hex(text)).toBe(
      createHash('sha256').update(text, 'utf8').digest('hex'),
    );
  });
});

describe('environmentNamespace', () => {
  const ORDERS = 'component:default/orders-service';

  it('reads as the component and environment names, with a hash', () => {
    expect(environmentNamespace(ORDERS, 'preview')).toMatch(
      /^orders-service-preview-[0-9a-f]{10}$/,
    );
  });

  it('is deterministic, and the same however the reference is written', () => {
    const namespace = environmentNamespace(ORDERS, 'preview');

    expect(environmentNamespace(ORDERS, 'preview')).toBe(namespace);
    expect(
      environmentNamespace('Component:Default/Orders-Service', 'preview'),
    ).toBe(namespace);
    expect(environmentNamespace('component:orders-service', 'preview')).toBe(
      namespace,
    );
    expect(environmentNamespace('orders-service', 'Preview')).toBe(namespace);
  });

  it('keeps apart pairs whose joined names are equal', () => {
    const first = environmentNamespace('component:default/a-b', 'c');
    const second = environmentNamespace('component:default/a', 'b-c');

    expect(first).toMatch(/^a-b-c-/);
    expect(second).toMatch(/^a-b-c-/);
    expect(first).not.toBe(second);
  });

  it('keeps apart components of the same name in different catalog namespaces', () => {
    expect(environmentNamespace('component:default/foo', 'dev')).not.toBe(
      environmentNamespace('component:other/foo', 'dev'),
    );
  });

  it('shortens names that are too long to 63 characters', () => {
    const component = `component:default/orders-${'x'.repeat(56)}`;
    const namespace = environmentNamespace(component, 'staging');

    expect(namespace).toHaveLength(63);
    expect(isDns1123Label(namespace)).toBe(true);
    expect(namespace).toMatch(/^orders-x+-[0-9a-f]{10}$/);
  });

  it('keeps long names apart when they differ only past the cut', () => {
    const component = `component:default/${'x'.repeat(60)}`;

    expect(environmentNamespace(component, 'staging')).not.toBe(
      environmentNamespace(component, 'staging2'),
    );
  });

  it('replaces characters namespaces cannot hold, keeping names apart', () => {
    const underscored = environmentNamespace(
      'component:default/orders_service',
      'dev',
    );
    const dotted = environmentNamespace(
      'component:default/orders.service',
      'dev',
    );
    const dashed = environmentNamespace(
      'component:default/orders-service',
      'dev',
    );

    expect(underscored).toMatch(/^orders-service-dev-[0-9a-f]{10}$/);
    expect(isDns1123Label(dotted)).toBe(true);
    expect(new Set([underscored, dotted, dashed]).size).toBe(3);
  });

  it('gives valid, distinct names to many similar pairs', () => {
    const names = new Set<string>();
    const pairs: Array<[string, string]> = [];
    for (const namespace of ['default', 'other', 'a', 'a-b']) {
      for (const component of ['a', 'a-b', 'a-b-c', 'b', 'b-c']) {
        for (const environment of ['b', 'b-c', 'c', 'c-d']) {
          pairs.push([`component:${namespace}/${component}`, environment]);
        }
      }
    }
    for (const [component, environment] of pairs) {
      const namespace = environmentNamespace(component, environment);
      expect(isDns1123Label(namespace)).toBe(true);
      names.add(namespace);
    }
    expect(names.size).toBe(pairs.length);
  });

  it('rejects something that is not a component reference', () => {
    expect(() => environmentNamespace('component:a/b/c', 'dev')).toThrow(
      /Not a component reference/,
    );
  });
});
