import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a commit SHA');

/**
 * The fields of Gitea's push event (`X-Gitea-Event: push`) that a deploy
 * needs; Gitea sends many more, which are ignored. As Gitea 1.26 sends it
 * (its services/repository/push.go; giteaWebhook.integration.test.ts
 * asserts it): `after` is the ref's new object, which for an annotated tag
 * is the tag object, not a commit; `head_commit` is the commit the ref now
 * points at, for a tag push too (the tag peeled), and null for a deleted
 * ref. Its `timestamp` is the commit's author time, the only time in the
 * payload.
 */
export const giteaPushEventSchema = z.object({
  ref: z.string().min(1, 'must not be empty'),
  after: sha,
  repository: z.object({
    full_name: z.string().min(1, 'must not be empty'),
    /** The repository's page, `http://localhost:3300/idp/orders-service`. */
    html_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    default_branch: z.string().min(1, 'must not be empty'),
  }),
  head_commit: z
    .object({
      id: sha,
      timestamp: z.iso.datetime({
        offset: true,
        error: 'must be an ISO 8601 timestamp',
      }),
      url: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .optional(),
    })
    .nullish(),
});

export type GiteaPushEvent = z.infer<typeof giteaPushEventSchema>;

/** What a push asks to deploy, or why it asks for nothing. */
export type PushIntent =
  | {
      deploy: true;
      /** The image tag: the tag's name, or the commit SHA on the default branch. */
      tag: string;
      commit: { sha: string; time?: string; url?: string };
      /** Shown in the deployment's history. */
      message: string;
    }
  | { deploy: false; reason: string };

const ZERO_SHA = /^0+$/;
// The image tags the deploy contract accepts (deployRequestSchema's tag).
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A tag push deploys the tag (`refs/tags/v1.2.3` → `v1.2.3`); a push to the
 * repository's default branch deploys the commit (its SHA as the tag); any
 * other branch, and a deleted ref, deploys nothing.
 */
export function pushIntent(event: GiteaPushEvent): PushIntent {
  const { ref, after, repository, head_commit: head } = event;
  if (ZERO_SHA.test(after)) {
    return { deploy: false, reason: `${ref} was deleted` };
  }
  // Not `after`, which is the tag object of an annotated tag. Older Gitea
  // releases send no head_commit for a tag push; `after` is all there is.
  const commitSha = head?.id ?? after;
  const commit = {
    sha: commitSha,
    ...(head?.timestamp && { time: head.timestamp }),
    url:
      head?.url ??
      `${repository.html_url.replace(/\/+$/, '')}/commit/${commitSha}`,
  };
  if (ref.startsWith('refs/tags/')) {
    const tag = ref.slice('refs/tags/'.length);
    if (!IMAGE_TAG.test(tag)) {
      return {
        deploy: false,
        reason: `tag ${tag} is not a valid image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`,
      };
    }
    return {
      deploy: true,
      tag,
      commit,
      message: `Tag ${tag} pushed to ${repository.full_name}`,
    };
  }
  if (ref === `refs/heads/${repository.default_branch}`) {
    return {
      deploy: true,
      tag: commit.sha,
      commit,
      message: `Pushed to ${repository.default_branch} of ${repository.full_name}`,
    };
  }
  return {
    deploy: false,
    reason: `${ref} is neither a tag nor the default branch (${repository.default_branch})`,
  };
}
