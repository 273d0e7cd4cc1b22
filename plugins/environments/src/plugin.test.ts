import { environmentsPlugin } from './plugin';

describe('environments', () => {
  it('should export plugin', () => {
    expect(environmentsPlugin).toBeDefined();
  });
});
