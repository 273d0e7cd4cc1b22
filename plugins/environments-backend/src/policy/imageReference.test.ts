import { imageParts } from './imageReference';

describe('imageParts', () => {
  it.each([
    [
      'registry.local:5000/shop:1.2@sha256:abc',
      {
        registry: 'registry.local:5000',
        repository: 'registry.local:5000/shop',
        tag: '1.2',
        digest: 'sha256:abc',
      },
    ],
    [
      'ghcr.io/acme/shop',
      {
        registry: 'ghcr.io',
        repository: 'ghcr.io/acme/shop',
        tag: null,
        digest: null,
      },
    ],
    [
      'nginx:1.27',
      { registry: 'docker.io', repository: 'nginx', tag: '1.27', digest: null },
    ],
    [
      'localhost/shop:dev',
      {
        registry: 'localhost',
        repository: 'localhost/shop',
        tag: 'dev',
        digest: null,
      },
    ],
    [
      'acme/shop:1',
      {
        registry: 'docker.io',
        repository: 'acme/shop',
        tag: '1',
        digest: null,
      },
    ],
  ])('takes %s apart', (image, parts) => {
    expect(imageParts(image)).toEqual(parts);
  });
});
