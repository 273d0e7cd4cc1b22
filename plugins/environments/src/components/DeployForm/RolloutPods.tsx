import { Flex, Text } from '@backstage/ui';
import { EnvironmentPod } from '@internal/backstage-plugin-environments-common';

/** One container's state in words: "running, ready" or "waiting: ImagePullBackOff". */
function containerState(container: EnvironmentPod['containers'][number]) {
  if (container.state === 'running') {
    return container.ready ? 'running, ready' : 'running, not ready yet';
  }
  return container.reason
    ? `${container.state}: ${container.reason}`
    : container.state;
}

/**
 * The environment's pods during a rollout, those running the deployment's
 * image first, each with its containers' states: what coming up, or not
 * coming up, looks like.
 */
export function RolloutPods(props: { pods: EnvironmentPod[]; image: string }) {
  const { image } = props;
  const runs = (pod: EnvironmentPod) =>
    pod.containers.some(container => container.image === image);
  const pods = [...props.pods].sort(
    (a, b) => Number(runs(b)) - Number(runs(a)),
  );
  const ready = pods.filter(pod => runs(pod) && pod.ready).length;
  const total = pods.filter(runs).length;
  return (
    <Flex direction="column" gap="2">
      <Text variant="body-small" color="secondary">
        {total === 0
          ? 'No pod runs this version yet.'
          : `${ready} of ${total} pods of this version ready.`}
      </Text>
      <ul
        aria-label="Pods"
        style={{
          margin: 0,
          padding: 0,
          listStyle: 'none',
          display: 'flex',
          flexDirection: 'column',
          gap: 4,
        }}
      >
        {pods.map(pod => (
          <li key={pod.name} data-ready={pod.ready}>
            <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
              <Text weight="bold" variant="body-small">
                {pod.name}
              </Text>
              <Text
                variant="body-small"
                color={pod.ready ? 'success' : 'secondary'}
              >
                {pod.phase}
                {pod.ready ? ', ready' : ', not ready'}
                {runs(pod) ? '' : ' (earlier version)'}
              </Text>
              {pod.containers.map(container => (
                <Text key={container.name} variant="body-small">
                  {container.name}: {containerState(container)}
                  {container.restartCount > 0 &&
                    `, ${container.restartCount} restarts`}
                </Text>
              ))}
            </Flex>
          </li>
        ))}
      </ul>
    </Flex>
  );
}
