import { environmentNamespace, isDns1123Label } from './names';

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

describe('environmentNamespace', () => {
  it('joins the component and environment names', () => {
    expect(environmentNamespace('orders-service', 'preview')).toBe(
      'orders-service-preview',
    );
  });

  it('lowercases, as catalog names may contain uppercase letters', () => {
    expect(environmentNamespace('Orders-Service', 'dev')).toBe(
      'orders-service-dev',
    );
  });

  it('shortens names that are too long to 63 characters, with a hash', () => {
    const component = `orders-${'x'.repeat(56)}`;
    const namespace = environmentNamespace(component, 'staging');

    expect(namespace).toHaveLength(63);
    expect(isDns1123Label(namespace)).toBe(true);
    expect(namespace).toMatch(/^orders-x+-[0-9a-f]{8}$/);
    expect(environmentNamespace(component, 'staging')).toBe(namespace);
  });

  it('keeps long names apart when they differ only past the cut', () => {
    const component = 'x'.repeat(60);

    expect(environmentNamespace(component, 'staging')).not.toBe(
      environmentNamespace(component, 'staging2'),
    );
  });

  it('replaces characters namespaces cannot hold, keeping names apart', () => {
    const underscored = environmentNamespace('orders_service', 'dev');
    const dotted = environmentNamespace('orders.service', 'dev');

    expect(underscored).toMatch(/^orders-service-dev-[0-9a-f]{8}$/);
    expect(isDns1123Label(dotted)).toBe(true);
    expect(new Set([underscored, dotted, 'orders-service-dev']).size).toBe(3);
  });
});
