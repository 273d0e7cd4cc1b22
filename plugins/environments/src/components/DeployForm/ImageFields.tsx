import { Button, Flex, Text } from '@backstage/ui';
import { imageVersion } from '@internal/backstage-plugin-environments-common';
import { DeployFormState } from '../../hooks/useDeployForm';
import { DeployVersion } from '../../hooks/useDeployVersions';
import { FieldGroup } from '../RequestEnvironment/FieldGroup';
import { FormTextField } from '../RequestEnvironment/FormTextField';
import { draftImage } from './deployDraft';
import { describeLayers } from './layers';
import { LayerBadge } from './LayerBadge';

/**
 * The image to deploy: its repository and tag, and the versions recently
 * deployed here or elsewhere in the component's path, one press away.
 */
export function ImageFields(props: {
  form: DeployFormState;
  versions: DeployVersion[];
}) {
  const { form, versions } = props;
  const { draft, configuration, resolved, change, errorFor, pickVersion } =
    form;
  const running = configuration.config.image;
  const chosen = draftImage(draft);
  return (
    <FieldGroup title="Version">
      <Flex direction="column" gap="4">
        <Flex gap="2" align="center">
          <Text variant="body-small" color="secondary">
            Runs now: {running} (version {imageVersion(running)})
          </Text>
          <LayerBadge layer={resolved.origins.image} />
        </Flex>
        <Flex gap="4" align="start" style={{ flexWrap: 'wrap' }}>
          <FormTextField
            field="image"
            label="Image"
            value={draft.repository}
            onChange={repository => change('image', { repository })}
            error={errorFor('image')}
            description={`The image without its tag. ${describeLayers(
              configuration.layers,
              configuration.origins.image,
              'image',
              '',
            )}`}
          />
          <FormTextField
            field="tag"
            label="Tag"
            value={draft.tag}
            onChange={tag => change('tag', { tag })}
            error={errorFor('tag')}
            secondaryLabel="Required"
            description="The version to deploy, such as 1.4.2."
          />
        </Flex>
        {versions.length > 0 && (
          <Flex direction="column" gap="2">
            <Text
              as="h3"
              variant="body-medium"
              weight="bold"
              id="recent-versions"
            >
              Recent versions
            </Text>
            <ul
              aria-labelledby="recent-versions"
              style={{
                listStyle: 'none',
                margin: 0,
                padding: 0,
                display: 'flex',
                flexWrap: 'wrap',
                gap: 8,
              }}
            >
              {versions.map(version => (
                <li key={version.image}>
                  <Button
                    size="small"
                    variant={version.image === chosen ? 'primary' : 'secondary'}
                    aria-pressed={version.image === chosen}
                    aria-label={`Use ${version.version} (${version.seen}): ${version.image}`}
                    onPress={() => pickVersion(version.image)}
                  >
                    {version.version} · {version.seen}
                  </Button>
                </li>
              ))}
            </ul>
          </Flex>
        )}
      </Flex>
    </FieldGroup>
  );
}
