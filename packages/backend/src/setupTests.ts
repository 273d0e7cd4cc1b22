// The whole-backend tests here are of permissions, MCP and the environments
// flow, not of the platform's policies: they do not read the bundle
// `./platform opa build` left in this checkout's .local/policy, which would
// make their production deploys depend on its rules and on the weekday (the
// weekend freeze). The policies are tested through the real API in
// plugins/environments-backend/src/policy/policy.integration.test.ts.
process.env.IDP_POLICY_BUNDLE ??= '/nonexistent/idp-policy-bundle.tar.gz';

export {};
