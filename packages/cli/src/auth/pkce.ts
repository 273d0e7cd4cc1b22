import crypto from 'node:crypto';

// Proof Key for Code Exchange (RFC 7636), as @backstage/cli-module-auth does
// it: a random verifier, its S256 challenge, and a random state.

function base64url(input: Buffer): string {
  return input
    .toString('base64')
    .replace(/=/g, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

export function generateVerifier(): string {
  return base64url(crypto.randomBytes(64));
}

export function challengeFromVerifier(verifier: string): string {
  return base64url(crypto.createHash('sha256').update(verifier).digest());
}

export type PkceState = { verifier: string; challenge: string; state: string };

export function createPkceState(): PkceState {
  const verifier = generateVerifier();
  return {
    verifier,
    challenge: challengeFromVerifier(verifier),
    state: crypto.randomBytes(32).toString('hex'),
  };
}
