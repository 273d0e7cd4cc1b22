import { renderInTestApp } from '@backstage/frontend-test-utils';
import { environmentsApiRef } from '@internal/backstage-plugin-environments';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentPicker } from './EnvironmentPicker';

jest.setTimeout(30_000);

const orders = 'component:default/orders-service';

function environments() {
  const fake = new FakeEnvironmentsApi();
  fake.add({
    componentRef: orders,
    name: 'development',
    type: 'development',
    status: 'ready',
  });
  fake.add({
    componentRef: orders,
    name: 'pr-42',
    type: 'preview',
    status: 'deleting',
  });
  fake.add({
    componentRef: 'component:default/payments-service',
    name: 'staging',
    type: 'staging',
    status: 'ready',
  });
  return fake;
}

/** The field as the scaffolder's form renders it, with the rest of the form's data. */
async function renderPicker(options: {
  fake: FakeEnvironmentsApi;
  formData?: Record<string, unknown>;
  value?: string;
  onChange?: jest.Mock;
}) {
  const onChange = options.onChange ?? jest.fn();
  const props = {
    schema: {
      title: 'Environment',
      description: "One of the component's environments.",
    },
    uiSchema: { 'ui:options': { componentField: 'component' } },
    formContext: { formData: options.formData ?? {} },
    formData: options.value,
    onChange,
    required: true,
    rawErrors: [],
    idSchema: { $id: 'root_environment' },
  } as any;
  await renderInTestApp(<EnvironmentPicker {...props} />, {
    apis: [[environmentsApiRef, options.fake]],
  });
  return onChange;
}

describe('EnvironmentPicker', () => {
  it("offers the chosen component's environments, those being deleted disabled", async () => {
    const fake = environments();
    const onChange = await renderPicker({
      fake,
      formData: { component: orders },
    });

    const picker = await screen.findByRole('button', { name: /Environment/ });
    await userEvent.click(picker);
    const listbox = await screen.findByRole('listbox');
    const options = within(listbox).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'development (development, ready)',
      'pr-42 (preview, deleting)',
    ]);
    expect(options[1]).toHaveAttribute('aria-disabled', 'true');
    expect(fake.callsTo('listEnvironments')).toHaveLength(1);

    await userEvent.click(options[0]);
    expect(onChange).toHaveBeenCalledWith('development');
  });

  it('asks for the component first', async () => {
    await renderPicker({ fake: environments() });
    expect(
      await screen.findByText('Choose the component first.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Environment/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  });

  it('says when the component has no environments yet', async () => {
    await renderPicker({
      fake: environments(),
      formData: { component: 'component:default/inventory-service' },
    });
    expect(
      await screen.findByText(
        'component:default/inventory-service has no environments yet: request one first (Create, "Request an environment").',
      ),
    ).toBeInTheDocument();
  });

  it('drops a name chosen for another component', async () => {
    const onChange = await renderPicker({
      fake: environments(),
      formData: { component: orders },
      value: 'staging',
    });
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(undefined));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('shows why the environments could not be listed', async () => {
    const fake = environments();
    fake.listEnvironments = async () => {
      throw new Error('Request failed with 503 Service Unavailable');
    };
    await renderPicker({ fake, formData: { component: orders } });
    expect(
      await screen.findByText(
        `Could not list the environments of ${orders}: Request failed with 503 Service Unavailable`,
      ),
    ).toBeInTheDocument();
  });
});
