// The issuer's one page: who signs in, with which password. Plain HTML with labelled
// fields, so that people, keyboards and the browser tests all find them by name.

const escape = value =>
  String(value).replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]),
  );

/**
 * @param {{ action: string, clientName: string, people: import('./people.mjs').Person[], login?: string, error?: string }} options
 */
export function loginPage({ action, clientName, people, login = '', error }) {
  const options = people
    .map(
      p =>
        `<option value="${escape(p.name)}">${escape(p.displayName)} (${escape(
          p.email,
        )})</option>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sign in to ${escape(clientName)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; color: #1f2933; }
  h1 { font-size: 1.4rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; margin-top: .25rem; }
  .actions { display: flex; gap: .5rem; margin-top: 1.5rem; }
  button { padding: .5rem 1rem; font-size: 1rem; }
  [role=alert] { color: #b42318; margin-top: 1rem; }
  p.note { color: #52606d; font-size: .875rem; }
</style>
</head>
<body>
<main>
<h1>Sign in to ${escape(clientName)}</h1>
<p class="note">Local OpenID Connect issuer: the people of the seed organization (catalog/org.yaml).
Their password is in scripts/local-oidc/README.md; for local use only.</p>
<form method="post" action="${escape(action)}">
  <label for="login">User name or email</label>
  <input id="login" name="login" list="people" autocomplete="username" required autofocus value="${escape(
    login,
  )}">
  <datalist id="people">${options}</datalist>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  ${error ? `<p role="alert">${escape(error)}</p>` : ''}
  <div class="actions">
    <button type="submit" name="action" value="login">Sign in</button>
    <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
  </div>
</form>
</main>
</body>
</html>`;
}

/** @param {{ title: string, message: string }} options */
export function errorPage({ title, message }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(
    title,
  )}</title></head>
<body><main><h1>${escape(title)}</h1><p role="alert">${escape(
    message,
  )}</p></main></body></html>`;
}
