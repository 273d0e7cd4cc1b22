// Evaluates the built policy bundle the way the backend embeds it
// (@open-policy-agent/opa-wasm in Node) on the examples of
// policies/testing/examples_test.rego, and compares each decision with opa's own.
// Also fails when the examples leave a rule of the bundle's manifest unexercised.
// Prints "  N passed" / "  N failed" for ./platform test.
//
// Usage: node check-opa-wasm.cjs BUNDLE_DIR EXAMPLES_JSON
//   BUNDLE_DIR: the unpacked bundle (policy.wasm, data.json, .manifest)
//   EXAMPLES_JSON: {"<name>": {"input": ..., "decision": <opa eval's>}}
'use strict';

const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { isDeepStrictEqual } = require('node:util');

const repo = resolve(__dirname, '../..');
const [bundleDir, examplesFile] = process.argv.slice(2);

async function main() {
  const { loadPolicy } = require(require.resolve(
    '@open-policy-agent/opa-wasm',
    { paths: [repo] },
  ));
  const manifest = JSON.parse(
    readFileSync(join(bundleDir, '.manifest'), 'utf8'),
  );
  const policy = await loadPolicy(readFileSync(join(bundleDir, 'policy.wasm')));
  policy.setData(
    JSON.parse(readFileSync(join(bundleDir, 'data.json'), 'utf8')),
  );
  const examples = JSON.parse(readFileSync(examplesFile, 'utf8'));

  let passed = 0;
  let failed = 0;
  const exercised = new Set();
  for (const [name, { input, decision }] of Object.entries(examples)) {
    const [result] = policy.evaluate(input, 'idp/decision');
    const actual = result?.result;
    for (const v of [...(decision.deny ?? []), ...(decision.warn ?? [])]) {
      exercised.add(v.rule);
    }
    if (isDeepStrictEqual(actual, decision)) {
      passed += 1;
      console.log(`ok: ${name}`);
    } else {
      failed += 1;
      console.log(`FAILED: ${name}`);
      console.log(`  opa:      ${JSON.stringify(decision)}`);
      console.log(`  opa-wasm: ${JSON.stringify(actual)}`);
    }
  }
  const rules = (manifest.metadata?.rules ?? []).map(r => r.rule);
  const missed = rules.filter(rule => !exercised.has(rule));
  if (missed.length > 0) {
    failed += 1;
    console.log(
      `FAILED: no example sets off ${missed.join(
        ', ',
      )} (add one to policies/testing/examples_test.rego)`,
    );
  } else {
    passed += 1;
    console.log(`ok: the examples set off all ${rules.length} rules`);
  }
  console.log(
    `\n  ${passed} passed (opa-wasm agrees with opa)\n  ${failed} failed (opa-wasm agrees with opa)`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch(error => {
  console.log(`FAILED: ${error.message}`);
  console.log(
    '\n  0 passed (opa-wasm agrees with opa)\n  1 failed (opa-wasm agrees with opa)',
  );
  process.exitCode = 1;
});
