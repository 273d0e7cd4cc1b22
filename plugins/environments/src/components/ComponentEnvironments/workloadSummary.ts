import { EnvironmentPod } from '@internal/backstage-plugin-environments-common';

/** What runs from one image: how many of its pods are ready. */
export type ImageSummary = {
  image: string;
  pods: number;
  ready: number;
  restarts: number;
};

/** The pods of an environment, summed up by the image they run. */
export function summarizeByImage(pods: EnvironmentPod[]): ImageSummary[] {
  const byImage = new Map<string, ImageSummary>();
  for (const pod of pods) {
    for (const container of pod.containers) {
      const summary = byImage.get(container.image) ?? {
        image: container.image,
        pods: 0,
        ready: 0,
        restarts: 0,
      };
      summary.pods += 1;
      summary.ready += container.ready ? 1 : 0;
      summary.restarts += container.restartCount;
      byImage.set(container.image, summary);
    }
  }
  return [...byImage.values()].sort((a, b) => a.image.localeCompare(b.image));
}
