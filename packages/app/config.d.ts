export interface Config {
  app: {
    signIn?: {
      /**
       * Sign-in providers the sign-in page offers: guest, github, oidc.
       * Each needs the matching provider under auth.providers in the backend.
       * @visibility frontend
       */
      providers?: string[];
    };
  };
}
