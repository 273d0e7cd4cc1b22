import { TestApiProvider } from '@backstage/frontend-test-utils';
import { act, render, screen } from '@testing-library/react';
import { environmentsApiRef } from '../../api';
import { anEnvironment, mockEnvironmentsApi } from '../../__testUtils__';
import { EnvironmentActions } from './EnvironmentActions';

describe('EnvironmentActions', () => {
  const api = mockEnvironmentsApi();
  const ready = anEnvironment({ status: 'ready' });

  function renderActions(onGone: () => void) {
    const view = render(
      <TestApiProvider apis={[[environmentsApiRef, api]]}>
        <EnvironmentActions environment={ready} onGone={onGone} />
      </TestApiProvider>,
    );
    return (status: 'ready' | 'deleting' | 'deleted') =>
      view.rerender(
        <TestApiProvider apis={[[environmentsApiRef, api]]}>
          <EnvironmentActions
            environment={{ ...ready, status }}
            onGone={onGone}
          />
        </TestApiProvider>,
      );
  }

  it('says where the focus goes when its buttons go away under it', () => {
    const onGone = jest.fn();
    const setStatus = renderActions(onGone);
    act(() =>
      screen.getByRole('button', { name: `Tear down ${ready.name}` }).focus(),
    );

    setStatus('deleting');
    expect(
      screen.queryByRole('button', { name: /Tear down/ }),
    ).not.toBeInTheDocument();
    expect(onGone).toHaveBeenCalledTimes(1);

    // Later renders leave the focus where the user put it.
    setStatus('deleted');
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it('leaves the focus alone when it was elsewhere', () => {
    const onGone = jest.fn();
    const setStatus = renderActions(onGone);
    const elsewhere = document.createElement('input');
    document.body.appendChild(elsewhere);
    act(() => elsewhere.focus());

    setStatus('deleting');
    expect(onGone).not.toHaveBeenCalled();
    elsewhere.remove();
  });
});
