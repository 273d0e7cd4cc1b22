import { SignInPage } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { signInProviders } from './signInProviders';

export function ConfiguredSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const names = config.getOptionalStringArray('app.signIn.providers') ?? [
    'guest',
  ];
  return (
    <SignInPage
      {...props}
      title="Acme Developer Platform"
      align="center"
      providers={signInProviders(names)}
    />
  );
}
