import { HumanDuration } from '@backstage/types';

export interface Config {
  /** The environments plugin: what developers may request. */
  environments?: {
    /**
     * The clusters environments are provisioned into, by the name that
     * environment types give in `cluster`. Each is reached either through a
     * URL and a ServiceAccount token, or through a kubeconfig file.
     * `./platform start` generates the entry of the local cluster.
     */
    clusters?: Array<{
      name: string;
      /** The API server, e.g. https://127.0.0.1:6443. */
      url?: string;
      /**
       * A token of the orchestrator's own ServiceAccount.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Base64 PEM of the cluster's CA. */
      caData?: string;
      skipTLSVerify?: boolean;
      /** Path to a kubeconfig file, instead of url and token. */
      kubeconfig?: string;
      /** The kubeconfig context to use; its current context when not given. */
      context?: string;
      /**
       * How long one request to this cluster's API server may take before it
       * fails (and its job retries), e.g. { seconds: 10 } (the default).
       */
      requestTimeout?: HumanDuration | string;
    }>;
    /**
     * The image of an environment whose request names none and whose component
     * has no `environments.idp.dev/image` annotation; `{component}` is
     * replaced by the component's name. Default: `registry.local/{component}:latest`.
     */
    defaultImage?: string;
    expiry?: {
      /** How often expired ephemeral environments are looked for, e.g. { seconds: 30 } (the default). */
      frequency?: HumanDuration | string;
    };
    reconciler?: {
      /** Provisioning jobs each backend replica runs at the same time. Default 8. */
      concurrency?: number;
      /**
       * How often an idle replica looks at the job queue for work that no
       * change announced (another replica's abandoned job), e.g. { seconds: 10 }
       * (the default). Changes wake the reconciler at once.
       */
      pollInterval?: HumanDuration | string;
    };
    /**
     * The platform's policies (Rego in policies/, issue 16): every request,
     * extension, deploy, promotion and rollback is checked before anything
     * is stored; a rule's deny is a 403 listing every message, its warn is
     * returned with the change.
     */
    policy?: {
      /**
       * embedded (the default): the compiled wasm bundle, evaluated in this
       * process and reloaded when the file changes; server: an OPA server
       * (`opa run --server`); off: nothing is checked.
       */
      mode?: 'embedded' | 'server' | 'off';
      /**
       * The bundle built by `./platform opa build` (policy.wasm, data.json,
       * .manifest); relative to the repository. Default
       * `.local/policy/bundle.tar.gz`. Until it exists nothing is checked (logged).
       */
      bundlePath?: string;
      /** The OPA server of mode server, e.g. http://127.0.0.1:8181. */
      serverUrl?: string;
      /** How long one evaluation by the server may take; default 2 s. */
      timeout?: HumanDuration | string;
      /**
       * When policies cannot be evaluated (the server is down, no bundle
       * loads): closed (the default) refuses the request with 503; open lets
       * it through, audited with outcome `error` and a warning.
       */
      failureMode?: 'closed' | 'open';
      /** The time zone of `input.clock` (freeze windows); default UTC. */
      timeZone?: string;
    };
    /** Groups whose members may act on every environment (the platform team). */
    adminGroups?: string[];
    /** Deploys from outside the portal: CI pipelines and Git webhooks. */
    ci?: {
      /**
       * The secret Gitea signs its webhooks with (X-Gitea-Signature); without
       * it POST /webhooks/gitea does not exist.
       * @visibility secret
       */
      webhookSecret?: string;
      /** The environment a webhook's push deploys to, by name. Default `development`. */
      webhookEnvironment?: string;
      /**
       * The service principals that may call POST /ci/deployments: external
       * access subjects, as Backstage gives them (a static token keeps its
       * configured `subject`; JWKS tokens are `external:<subject>`). Default `['ci']`.
       */
      subjects?: string[];
    };
    /** Promotions between a component's environments. */
    promotion?: {
      /**
       * Environment names, each promoted into from the one before it; a
       * component's `environments.idp.dev/promotion-path` annotation replaces
       * it. Default development, staging, production.
       */
      path?: string[];
    };
    /**
     * Environment types by name (a DNS-1123 label). The full schema, with every
     * rule, is `environmentTypeSchema` in @internal/backstage-plugin-environments-common;
     * the backend refuses to start and names each problem when a type breaks one.
     */
    types?: {
      [name: string]: {
        description: string;
        /** Name of the Kubernetes cluster environments of this type go to. */
        cluster: string;
        /** Torn down when the time to live runs out. */
        ephemeral?: boolean;
        /** Durations such as 4h or 3d; required for ephemeral types. */
        ttl?: { default: string; max: string };
        requiresApproval?: boolean;
        /** Logs only the component's owners and admins may read; each read is audited. */
        sensitiveLogs?: boolean;
        /** Group entity refs whose members may request this type; everyone when absent. */
        allowedGroups?: string[];
        baseline: {
          /**
           * storage: all volume claims of a namespace together (default 10Gi);
           * persistentVolumeClaims: how many (default 5).
           */
          quota: {
            cpu: string;
            memory: string;
            pods?: number;
            storage?: string;
            persistentVolumeClaims?: number;
          };
          limits: {
            defaultCpu: string;
            defaultMemory: string;
            defaultRequestCpu: string;
            defaultRequestMemory: string;
          };
          /**
           * Pod Security Admission levels of the namespaces: privileged,
           * baseline or restricted, each restricted unless set; version
           * "latest" (the default) or such as "v1.31".
           */
          podSecurity?: {
            enforce?: string;
            audit?: string;
            warn?: string;
            version?: string;
          };
          /** Namespace labels; not pod-security.kubernetes.io/*, see podSecurity. */
          labels?: { [key: string]: string };
          annotations?: { [key: string]: string };
        };
        /**
         * How far a request may go: cpu and memory overrides, the storage of
         * one resource (default 5Gi), the number of resources (default 3) and
         * the component's replicas (default 3).
         */
        bounds: {
          cpu: string;
          memory: string;
          storage?: string;
          resources?: number;
          replicas?: number;
        };
        /** How many live environments of this type one component, or one team, may have; unlimited when absent. */
        maxEnvironments?: { perComponent?: number; perTeam?: number };
      };
    };
  };
}
