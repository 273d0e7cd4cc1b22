// Tests do not read the bundle `./platform opa build` left in this checkout's
// .local/policy: a test that evaluates policies builds its own bundle and
// names it in `environments.policy.bundlePath` (see policy/README.md).
process.env.IDP_POLICY_BUNDLE ??= '/nonexistent/idp-policy-bundle.tar.gz';

export {};
