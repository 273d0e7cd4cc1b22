import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { anEnvironment, types } from '../../__testUtils__/fixtures';
import { EnvironmentRequestForm } from './EnvironmentRequestForm';

const components = [
  {
    ref: 'component:default/orders-service',
    title: 'Orders Service',
    owner: 'storefront-team',
  },
  {
    ref: 'component:default/payments-service',
    title: 'Payments Service',
    owner: 'payments-team',
  },
];

function renderForm(onSubmit = jest.fn()) {
  const onCreated = jest.fn();
  renderInTestApp(
    <EnvironmentRequestForm
      types={types}
      components={components}
      initialComponentRef="component:default/orders-service"
      onSubmit={onSubmit}
      onCreated={onCreated}
    />,
  );
  return { onSubmit, onCreated };
}

/** The error shown next to a field: what its `aria-describedby` points at. */
function describedErrors(field: HTMLElement): string {
  const ids = field.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids
    .map(id => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('EnvironmentRequestForm', () => {
  it('shows what each type gives, and why a type cannot be chosen', async () => {
    renderForm();

    const preview = await screen.findByRole('radio', { name: /preview/ });
    expect(preview).toBeEnabled();
    expect(
      screen.getByText(
        /Expires after 4h unless you choose otherwise, at most 3d/,
      ),
    ).toBeInTheDocument();
    const production = screen.getByRole('radio', { name: /production/ });
    expect(production).toBeDisabled();
    expect(
      screen.getByText(
        'You cannot request it: only members of platform-team may.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Needs approval before it is provisioned'),
    ).toBeInTheDocument();
  });

  it('shows an invalid name next to the field as it is typed', async () => {
    renderForm();
    const name = await screen.findByRole('textbox', { name: 'Name' });
    expect(name).not.toHaveAttribute('aria-invalid');

    await userEvent.type(name, 'Bad_Name');

    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(describedErrors(name)).toContain(
      'Must be a DNS-1123 label: lowercase letters, digits and "-"',
    );

    await userEvent.clear(name);
    await userEvent.type(name, 'pr-1');
    await waitFor(() => expect(name).not.toHaveAttribute('aria-invalid'));
  });

  it("shows the type's bounds beside the overrides and rejects more", async () => {
    renderForm();
    await userEvent.click(
      await screen.findByRole('radio', { name: /preview/ }),
    );

    const cpu = screen.getByRole('textbox', { name: 'CPU' });
    expect(describedErrors(cpu)).toContain('Baseline 2, at most 2.');
    await userEvent.type(cpu, '3');

    await waitFor(() => expect(cpu).toHaveAttribute('aria-invalid', 'true'));
    expect(describedErrors(cpu)).toContain(
      'Must be at most 2, the cpu bound of type preview (got "3")',
    );
  });

  it('sends nothing while the request is invalid, and moves focus to the first problem', async () => {
    const { onSubmit } = renderForm();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Request environment' }),
    );

    expect(onSubmit).not.toHaveBeenCalled();
    const type = screen.getByRole('radiogroup', { name: /Environment type/ });
    await waitFor(() => expect(type).toHaveAttribute('aria-invalid', 'true'));
    expect(describedErrors(type)).toContain('Choose an environment type');
    expect(screen.getByRole('radio', { name: /development/ })).toHaveFocus();
    expect(screen.getByRole('status')).toHaveTextContent(
      'Environment type needs attention',
    );
  });

  it('sends a valid request with its databases and reports the environment', async () => {
    const created = anEnvironment({ status: 'requested' });
    const { onSubmit, onCreated } = renderForm(jest.fn(async () => created));

    await userEvent.click(
      await screen.findByRole('radio', { name: /preview/ }),
    );
    await userEvent.type(screen.getByRole('textbox', { name: 'Name' }), 'pr-1');
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Time to live' }),
      '8h',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Add a PostgreSQL database' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'PostgreSQL version' }),
      '16',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Request environment' }),
    );

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(onSubmit).toHaveBeenCalledWith({
      componentRef: 'component:default/orders-service',
      type: 'preview',
      name: 'pr-1',
      ttl: '8h',
      resources: [{ type: 'postgresql', name: 'db', version: '16' }],
    });
  });

  it("puts the server's issues on the fields they name", async () => {
    const rejection = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message: 'Invalid environment request',
            issues: [
              { field: 'name', rule: 'is taken by another environment' },
            ],
          },
          request: { method: 'POST', url: '/environments' },
          response: { statusCode: 400 },
        }),
        {
          status: 400,
          headers: { 'Content-Type': 'application/json' },
        },
      ) as any,
    );
    renderForm(jest.fn().mockRejectedValue(rejection));

    await userEvent.click(
      await screen.findByRole('radio', { name: /development/ }),
    );
    const name = screen.getByRole('textbox', { name: 'Name' });
    await userEvent.type(name, 'dev');
    await userEvent.click(
      screen.getByRole('button', { name: 'Request environment' }),
    );

    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(describedErrors(name)).toContain('Is taken by another environment');
    expect(name).toHaveFocus();

    await userEvent.type(name, '2');
    await waitFor(() => expect(name).not.toHaveAttribute('aria-invalid'));
  });
});
