/**
 * The organization's mark: a peak in a rounded square, in the
 * organization's colour. Drawn here rather than loaded, so that it needs no
 * request and scales with the sidebar.
 */
export function OrganizationMark(props: { size: number }) {
  return (
    <svg
      width={props.size}
      height={props.size}
      viewBox="0 0 32 32"
      xmlns="http://www.w3.org/2000/svg"
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="7" fill="#ff6b35" />
      <path d="M6 24 L14 9 L19 18 L21.5 14 L26 24 Z" fill="#ffffff" />
      <path d="M14 9 L16.2 13.1 L14 15.5 L11.9 13.1 Z" fill="#ffd3c2" />
    </svg>
  );
}
