import { promotionEffect, splitByEffect } from './promotionEffect';

const source = {
  origins: {
    image: 'override',
    replicas: 'baseline',
    'env.FEATURE_X': 'component',
    'env.LOG_LEVEL': 'override',
    'resources.cpu': 'component',
  } as const,
};
const target = {
  origins: {
    image: 'override',
    replicas: 'override',
    'env.LOG_LEVEL': 'baseline',
    'resources.cpu': 'override',
    'env.OLD_FLAG': 'component',
  } as const,
};

describe('promotionEffect', () => {
  it('brings the image whatever layer set it', () => {
    expect(promotionEffect('image', source, target)).toBe('brought');
  });

  it("keeps the target's overrides, even over the source's component defaults", () => {
    expect(promotionEffect('replicas', source, target)).toBe('kept');
    expect(promotionEffect('resources.cpu', source, target)).toBe('kept');
  });

  it("brings the source's component defaults", () => {
    expect(promotionEffect('env.FEATURE_X', source, target)).toBe('brought');
  });

  it("keeps the target's baseline where the source's value is its own override", () => {
    expect(promotionEffect('env.LOG_LEVEL', source, target)).toBe('kept');
  });

  it("resets a component default the source's component layer no longer has", () => {
    expect(promotionEffect('env.OLD_FLAG', source, target)).toBe('reset');
  });

  it('splits a diff by effect, in its order', () => {
    const split = splitByEffect(
      [
        { path: 'image', change: 'changed', from: 'a:1', to: 'a:2' },
        { path: 'replicas', change: 'changed', from: 2, to: 1 },
        { path: 'env.FEATURE_X', change: 'added', to: 'on' },
        { path: 'env.OLD_FLAG', change: 'removed', from: 'yes' },
      ],
      source,
      target,
    );
    expect({
      brought: split.brought.map(c => c.path),
      kept: split.kept.map(c => c.path),
      reset: split.reset.map(c => c.path),
    }).toEqual({
      brought: ['image', 'env.FEATURE_X'],
      kept: ['replicas'],
      reset: ['env.OLD_FLAG'],
    });
  });
});
