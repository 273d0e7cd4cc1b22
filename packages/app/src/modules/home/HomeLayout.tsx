import { compatWrapper } from '@backstage/core-compat-api';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import { Container, Header } from '@backstage/ui';
import { Fragment } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useOrganizationName } from '../nav/useOrganizationName';
import { orderWidgets } from './widgetOrder';

/**
 * The home page: a greeting, then every installed widget in a grid, the
 * developer's own things first. A fixed grid rather than the home plugin's
 * customizable one: the widgets are what every developer needs, and the
 * page reads the same for everyone, keyboard and screen readers included.
 */
export function HomeLayout(props: HomePageLayoutProps) {
  const identityApi = useApi(identityApiRef);
  const { name, product } = useOrganizationName();
  const profile = useAsync(() => identityApi.getProfileInfo(), [identityApi]);
  const who = profile.value?.displayName;
  return (
    <>
      <Header
        title={who ? `Welcome, ${who}` : 'Welcome'}
        description={`Your ${name} ${product}: what you own, what runs where, and what waits for you.`}
      />
      <Container>
        <div
          style={{
            display: 'grid',
            gridTemplateColumns: 'repeat(auto-fill, minmax(380px, 1fr))',
            gap: 16,
            alignItems: 'start',
          }}
        >
          {orderWidgets(props.widgets).map((widget, index) => (
            // The home plugin's card around each widget reads the legacy
            // app context (useApp), which the new frontend system provides
            // only through the compatibility wrapper.
            <Fragment key={widget.name ?? index}>
              {compatWrapper(widget.component)}
            </Fragment>
          ))}
        </div>
      </Container>
    </>
  );
}
