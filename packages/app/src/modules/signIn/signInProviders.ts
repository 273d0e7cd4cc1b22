import { githubAuthApiRef } from '@backstage/frontend-plugin-api';
import type { IdentityProviders } from '@backstage/core-components';
import { oidcAuthApiRef } from './oidcAuthApi';

const knownProviders = {
  guest: 'guest',
  github: {
    id: 'github-auth-provider',
    title: 'GitHub',
    message: 'Sign in with your GitHub account',
    apiRef: githubAuthApiRef,
  },
  oidc: {
    id: 'oidc-auth-provider',
    title: 'Single sign-on',
    message: "Sign in with your organization's identity provider",
    apiRef: oidcAuthApiRef,
  },
} as const;

export type SignInProviderName = keyof typeof knownProviders;

/**
 * Maps the names in `app.signIn.providers` to sign-in page providers. An unknown
 * name is an operator's mistake, so it fails loudly instead of hiding a provider.
 */
export function signInProviders(names: string[]): IdentityProviders {
  return names.map(name => {
    if (!(name in knownProviders)) {
      throw new Error(
        `app.signIn.providers: unknown provider '${name}'; use one of ${Object.keys(
          knownProviders,
        ).join(', ')}`,
      );
    }
    return knownProviders[name as SignInProviderName];
  });
}
