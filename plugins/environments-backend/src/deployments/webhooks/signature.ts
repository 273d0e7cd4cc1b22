import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `signature` (the `X-Gitea-Signature` header) is the HMAC-SHA256,
 * in hex, of the raw `body` with `secret`. Compared in constant time, so
 * that an attacker cannot find it byte by byte from response times.
 */
export function isValidGiteaSignature(
  body: Buffer,
  signature: string | undefined,
  secret: string,
): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** The signature Gitea sends for `body`, for tests and tools. */
export function giteaSignature(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
