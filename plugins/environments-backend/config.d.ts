export interface Config {
  /** The environments plugin: what developers may request. */
  environments?: {
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
        /** Group entity refs whose members may request this type; everyone when absent. */
        allowedGroups?: string[];
        baseline: {
          quota: { cpu: string; memory: string; pods?: number };
          limits: {
            defaultCpu: string;
            defaultMemory: string;
            defaultRequestCpu: string;
            defaultRequestMemory: string;
          };
          labels?: { [key: string]: string };
          annotations?: { [key: string]: string };
        };
        /** The most a developer may set as overrides. */
        bounds: { cpu: string; memory: string };
      };
    };
  };
}
