import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { responseError } from '../../__testUtils__';
import { types } from '../../__testUtils__/fixtures';
import { DeployForm } from './DeployForm';
import { aDeployment, configuration } from './testData';

const development = types.find(type => type.name === 'development')!;

function renderForm(onSubmit = jest.fn(async () => aDeployment())) {
  const onDeployed = jest.fn();
  renderInTestApp(
    <DeployForm
      environmentName="development"
      configuration={configuration}
      type={development}
      versions={[
        {
          image: 'ghcr.io/acme/orders:1.5.0',
          version: '1.5.0',
          seen: 'succeeded in staging',
        },
      ]}
      onSubmit={onSubmit}
      onDeployed={onDeployed}
    />,
  );
  return { onSubmit, onDeployed };
}

/** The text a field points at with `aria-describedby`: its description and error. */
function described(field: HTMLElement): string {
  const ids = field.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids
    .map(id => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

// The machine the tests run on is shared: typing into React Aria's fields is slow there.
jest.setTimeout(30_000);

describe('DeployForm', () => {
  it('shows the layer each value comes from', async () => {
    renderForm();
    const replicas = await screen.findByRole('textbox', { name: 'Replicas' });
    expect(described(replicas)).toContain(
      'From the component default (2); baseline 1.',
    );
    expect(described(replicas)).toContain(
      'At most 3, the bound of type development.',
    );
    const logLevel = screen.getByRole('textbox', {
      name: 'Value of LOG_LEVEL',
    });
    expect(logLevel).toHaveValue('debug');
    expect(described(logLevel)).toContain(
      'From the override (debug); baseline info.',
    );
    const lower = screen.getByRole('list', {
      name: 'Variables from lower layers',
    });
    expect(within(lower).getByText('REGION')).toBeInTheDocument();
    expect(within(lower).getByText('Baseline')).toBeInTheDocument();
  });

  it("shows replicas beyond the type's bound as they are typed, and sends nothing", async () => {
    const { onSubmit } = renderForm();
    const replicas = await screen.findByRole('textbox', { name: 'Replicas' });

    await userEvent.type(replicas, '5');

    await waitFor(() =>
      expect(replicas).toHaveAttribute('aria-invalid', 'true'),
    );
    expect(described(replicas)).toContain(
      'Must be at most 3, the replicas bound of type development (got 5)',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(replicas).toHaveFocus();
    expect(screen.getByRole('status')).toHaveTextContent(
      'Replicas needs attention',
    );
  });

  it('deploys a recent version as a new tag, removing an override with null', async () => {
    const deployment = aDeployment();
    const { onSubmit, onDeployed } = renderForm(
      jest.fn(async () => deployment),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: /^Use 1\.5\.0/ }),
    );
    expect(screen.getByRole('textbox', { name: 'Tag' })).toHaveValue('1.5.0');
    await userEvent.click(
      screen.getByRole('button', { name: 'Remove the override of LOG_LEVEL' }),
    );
    // The baseline's value applies again, and can be overridden anew.
    const lower = screen.getByRole('list', {
      name: 'Variables from lower layers',
    });
    expect(within(lower).getByText('LOG_LEVEL')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));

    await waitFor(() => expect(onDeployed).toHaveBeenCalledWith(deployment));
    expect(onSubmit).toHaveBeenCalledWith({
      source: 'ui',
      tag: '1.5.0',
      env: { LOG_LEVEL: null },
    });
  });

  it("puts the API's 400 on the field it names", async () => {
    const failure = await responseError(400, {
      name: 'InputError',
      message: 'Invalid deployment to development',
    });
    (failure.body.error as any).issues = [
      { field: 'tag', rule: 'needs an image to retag' },
    ];
    renderForm(jest.fn().mockRejectedValue(failure));

    const tag = await screen.findByRole('textbox', { name: 'Tag' });
    await userEvent.clear(tag);
    await userEvent.type(tag, '1.6.0');
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));

    await waitFor(() => expect(tag).toHaveAttribute('aria-invalid', 'true'));
    expect(described(tag)).toContain('Needs an image to retag');
  });

  it("shows a 409 in the API's words", async () => {
    const message =
      "Another deployment of 'development' became current since it was read; read the configuration again and retry";
    renderForm(
      jest
        .fn()
        .mockRejectedValue(
          await responseError(409, { name: 'ConflictError', message }),
        ),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Deploy' }),
    );

    expect(
      await screen.findByText('The deployment was not accepted'),
    ).toBeInTheDocument();
    expect(screen.getByText(message)).toBeInTheDocument();
  });
});
