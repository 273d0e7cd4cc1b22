import { signInProviders } from './signInProviders';

describe('signInProviders', () => {
  it('maps configured names to sign-in page providers', () => {
    const [guest, oidc] = signInProviders(['guest', 'oidc']) as any[];
    expect(guest).toBe('guest');
    expect(oidc.id).toBe('oidc-auth-provider');
  });

  it('names the setting and the allowed values for an unknown provider', () => {
    expect(() => signInProviders(['gitlab'])).toThrow(
      "app.signIn.providers: unknown provider 'gitlab'; use one of guest, github, oidc",
    );
  });
});
