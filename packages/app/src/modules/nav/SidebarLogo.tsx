import {
  Link,
  sidebarConfig,
  useSidebarOpenState,
} from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';
import { OrganizationMark } from './OrganizationMark';
import { useOrganizationName } from './useOrganizationName';

// The sidebar is dark in both themes: white on it reads, and the grey is the
// sidebar's own colour for text.
const useStyles = makeStyles({
  root: {
    height: 3 * sidebarConfig.logoHeight,
    display: 'flex',
    alignItems: 'center',
    marginBottom: -14,
    paddingLeft: 20,
  },
  link: {
    display: 'flex',
    alignItems: 'center',
    gap: 10,
  },
  name: {
    display: 'flex',
    flexDirection: 'column',
    lineHeight: 1.15,
    whiteSpace: 'nowrap',
  },
  organization: { fontSize: 20, fontWeight: 700, color: '#ffffff' },
  product: { fontSize: 12, color: '#b5b5b5' },
});

/** The organization's mark and name at the top of the sidebar, linking to the home page. */
export const SidebarLogo = () => {
  const classes = useStyles();
  const { isOpen } = useSidebarOpenState();
  const { name, product } = useOrganizationName();

  return (
    <div className={classes.root}>
      <Link
        to="/"
        underline="none"
        className={classes.link}
        aria-label={`${name} home`}
      >
        <OrganizationMark size={32} />
        {isOpen && (
          <span className={classes.name} data-testid="sidebar-organization">
            <span className={classes.organization}>{name}</span>
            {product && <span className={classes.product}>{product}</span>}
          </span>
        )}
      </Link>
    </div>
  );
};
