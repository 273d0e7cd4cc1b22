/** What a hint rule looks at: the parts of a Kubernetes event people read. */
export type HintableEvent = {
  type: string;
  reason: string;
  message: string;
};

type HintRule = {
  matches(event: HintableEvent): boolean;
  hint(event: HintableEvent): string;
};

const quoted = (message: string, after: RegExp) =>
  message.match(new RegExp(`${after.source}\\s*"([^"]+)"`, 'i'))?.[1];

// Kubelet reports a failed pull with reason Failed, ErrImagePull or
// ImagePullBackOff, and the wait before the next try as BackOff with
// "Back-off pulling image": the same failure, so the same hint.
const imagePull: HintRule = {
  matches: ({ reason, message }) =>
    /^(ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName)$/.test(
      reason,
    ) ||
    /ErrImagePull|ImagePullBackOff|InvalidImageName|(failed to|back-off) pull(ing)? image/i.test(
      message,
    ),
  hint: ({ message }) => {
    const image = quoted(message, /image/);
    return `Kubernetes cannot pull the container image${
      image ? ` ${image}` : ''
    }. Check that the image name and tag exist in the registry (a typo or a tag that was never pushed is the usual cause) and, for a private registry, that the cluster has credentials for it. Correct the environment's image (or the component's environments.idp.dev/image annotation) and Kubernetes pulls it again.`;
  },
};

const outOfMemory: HintRule = {
  matches: ({ reason, message }) => /OOMKill/i.test(`${reason} ${message}`),
  hint: () =>
    "The container used more memory than its limit and was killed (OOMKilled). Raise the environment's memory override, within its type's bounds, or make the application use less memory (for example a smaller heap).",
};

const crashLoop: HintRule = {
  matches: ({ reason, message }) =>
    reason === 'CrashLoopBackOff' ||
    /CrashLoopBackOff/.test(message) ||
    (reason === 'BackOff' && /restarting failed container/i.test(message)),
  hint: () =>
    'The container keeps exiting, and Kubernetes restarts it with ever longer pauses (CrashLoopBackOff). Its logs say why: read the logs of the previous container, the one that exited (previous=true), for example a missing setting, a database it cannot reach or an error at start-up.',
};

// The kubelet says so when an environment variable refers to a Secret key
// (or a ConfigMap) that is not there: the container is never created.
const missingConfig: HintRule = {
  matches: ({ reason, message }) =>
    reason === 'CreateContainerConfigError' ||
    /CreateContainerConfigError|couldn't find key .* in Secret|secret ".*" not found/i.test(
      message,
    ),
  hint: ({ message }) => {
    const key = message.match(/couldn't find key (\S+) in Secret/i)?.[1];
    return `The container cannot be created because its configuration refers to ${
      key ? `the secret ${key}, which` : 'a secret that'
    } is not set in this environment. Set it among the environment's secrets (PUT /environments/{id}/secrets/{key}), or remove the reference from the configuration, and deploy again.`;
  },
};

const quotaExceeded: HintRule = {
  matches: ({ reason, message }) =>
    reason === 'FailedCreate' && /exceeded quota/i.test(message),
  hint: ({ message }) => {
    const quota = message.match(/exceeded quota:\s*([\w.-]+)/i)?.[1];
    return `The namespace's ResourceQuota${
      quota ? ` (${quota})` : ''
    } has no room for another pod: the environment's pods already use all the CPU, memory or pods it allows. Raise the environment's cpu or memory overrides, within its type's bounds, or run fewer or smaller replicas.`;
  },
};

const failedScheduling: HintRule = {
  matches: ({ reason }) => reason === 'FailedScheduling',
  hint: ({ message }) => {
    if (/unbound.*PersistentVolumeClaim|persistentvolumeclaim/i.test(message)) {
      return 'The pod waits for its volume: its PersistentVolumeClaim is not bound yet. The cluster provisions volumes on its own; if this lasts for minutes, ask the platform team (no storage class, or no capacity left).';
    }
    const short = [...message.matchAll(/Insufficient ([\w./-]*\w)/g)].map(
      m => m[1],
    );
    return `No node can run the pod${
      short.length ? ` (not enough ${[...new Set(short)].join(' and ')})` : ''
    }: its CPU or memory requests are larger than what any node has free, or the nodes are busy. Lower the requests (the environment's overrides) or wait for room; if it lasts, ask the platform team.`;
  },
};

// The first rule that matches wins: an image that cannot be pulled also
// shows up as BackOff, and an OOM kill as a crash loop.
const RULES: HintRule[] = [
  imagePull,
  outOfMemory,
  crashLoop,
  missingConfig,
  quotaExceeded,
  failedScheduling,
];

/**
 * A plain-language explanation of a warning event, with what to do about
 * it, for the failures developers meet most; undefined for any other event.
 */
export function eventHint(event: HintableEvent): string | undefined {
  if (event.type !== 'Warning') {
    return undefined;
  }
  return RULES.find(rule => rule.matches(event))?.hint(event);
}
