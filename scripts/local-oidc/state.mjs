// What the issuer must keep across restarts: its signing key (tokens stay verifiable),
// its cookie keys, and the portal client's secret. Generated at first start, kept in one
// file readable only by its owner.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * @typedef {{ signingKey: Record<string, unknown>, cookieKeys: string[], clientSecret: string, sessionSecret: string }} IssuerState
 */

const secret = () => randomBytes(24).toString('base64url');

/**
 * Loads the issuer's state from `dir`/state.json, creating it the first time.
 * @param {string} dir
 * @returns {Promise<IssuerState>}
 */
export async function loadOrCreateState(dir) {
  const file = path.join(dir, 'state.json');
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw new Error(`${file}: ${error.message}`);
  }
  // RS256: what Backstage's oidc provider expects by default (id_token_signed_response_alg).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const state = {
    signingKey: {
      ...privateKey.export({ format: 'jwk' }),
      kid: randomUUID(),
      alg: 'RS256',
      use: 'sig',
    },
    cookieKeys: [secret()],
    clientSecret: secret(),
    // Not the issuer's: the portal backend's auth.session.secret, kept beside the client
    // secret so that ./platform hands both to the backend from one place.
    sessionSecret: secret(),
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, JSON.stringify(state, null, 2), {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (error) {
    // Another start wrote it first: theirs is the one everyone uses.
    if (error.code === 'EEXIST')
      return JSON.parse(await readFile(file, 'utf8'));
    throw error;
  }
  return state;
}
