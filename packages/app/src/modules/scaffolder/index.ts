import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/** `ui:field: EnvironmentPicker`: one of a component's environments. */
const environmentPickerField = FormFieldBlueprint.make({
  name: 'environment-picker',
  params: {
    field: () =>
      import('./EnvironmentPicker').then(m => m.EnvironmentPickerField),
  },
});

/**
 * The portal's own fields for the scaffolder's forms (templates/), beside
 * the scaffolder's built-in pickers.
 */
export const scaffolderFieldsModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [environmentPickerField],
});
