import {
  V1PodSecurityContext,
  V1SecurityContext,
} from '@kubernetes/client-node';

/**
 * The pod security context that the `restricted` Pod Security Standard asks
 * for, which environment namespaces enforce unless their type says otherwise:
 * a non-root user and the runtime's default seccomp profile.
 *
 * Give `runAsUser` (and so the group that owns mounted volumes) when the
 * image would otherwise start as root or names its user rather than its id,
 * which the kubelet cannot check against `runAsNonRoot`.
 *
 * @public
 */
export function restrictedPodSecurityContext(
  runAsUser?: number,
): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    ...(runAsUser !== undefined && {
      runAsUser,
      runAsGroup: runAsUser,
      fsGroup: runAsUser,
    }),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The container security context that the `restricted` Pod Security
 * Standard asks for: no privilege escalation and no Linux capabilities.
 *
 * @public
 */
export function restrictedContainerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  };
}
