import {
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
} from 'node:crypto';
import { type JWK, calculateJwkThumbprint } from 'jose';

/** The asymmetric algorithms tokens are signed with; nothing else is issued or served. */
export const TOKEN_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

/** A public key as served at /.well-known/jwks.json. */
export interface PublicJwk extends JWK {
  kid: string;
  alg: TokenAlgorithm;
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  alg: TokenAlgorithm;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

export interface SigningKeys {
  /** Signs every new token. */
  current: SigningKey;
  /** current's public key first, then the previous ones (tokens they signed stay valid until they expire). */
  jwks: { keys: PublicJwk[] };
  /** True when no key was configured and one was made for this process only. */
  ephemeral: boolean;
}

/** Ed25519 -> EdDSA, P-256 -> ES256; any other key is refused at start-up. */
function algorithmOf(key: KeyObject): TokenAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  throw new Error('token key must be Ed25519 (EdDSA) or EC P-256 (ES256)');
}

/** Reads a key given as a PEM (PKCS#8 private, SPKI public) or as one JWK in JSON. */
function parseKey(text: string, kind: 'private' | 'public'): { key: KeyObject; kid?: string } {
  const trimmed = text.trim();
  const create = kind === 'private' ? createPrivateKey : createPublicKey;
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as JWK;
    // A private JWK given where a public one is expected only lends its public part.
    const { d: _d, ...publicPart } = jwk;
    const key = create({ key: (kind === 'public' ? publicPart : jwk) as never, format: 'jwk' });
    return { key, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined };
  }
  // Env files and Secrets often carry a PEM with literal "\n".
  return { key: create(trimmed.replace(/\\n/g, '\n')) };
}

async function publicJwkOf(publicKey: KeyObject, kid: string | undefined): Promise<PublicJwk> {
  const alg = algorithmOf(publicKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const { kty, crv, x, y } = jwk;
  const bare: JWK = y === undefined ? { kty, crv, x } : { kty, crv, x, y };
  return { ...bare, kid: kid ?? (await calculateJwkThumbprint(bare)), alg, use: 'sig' };
}

/** TOKEN_PREVIOUS_PUBLIC_KEYS: a JWKS `{"keys":[...]}`, a JSON array of JWKs, or PEMs one after another. */
function splitPreviousKeys(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as { keys?: unknown[] } | unknown[];
    const list = Array.isArray(parsed) ? parsed : (parsed.keys ?? []);
    return list.map((jwk) => JSON.stringify(jwk));
  }
  return (
    trimmed.replace(/\\n/g, '\n').match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g) ?? []
  );
}

export interface SigningKeyConfig {
  /** PEM (PKCS#8) or private JWK; undefined makes an Ed25519 key for this process only. */
  privateKey?: string;
  /** Public keys of earlier private keys, still accepted until their tokens expire. */
  previousPublicKeys?: string;
}

/** Loads the keys once at start-up; a malformed key fails the start, naming the variable. */
export async function loadSigningKeys(config: SigningKeyConfig): Promise<SigningKeys> {
  let privateKey: KeyObject;
  let configuredKid: string | undefined;
  const ephemeral = config.privateKey === undefined || config.privateKey.trim() === '';
  if (ephemeral) {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  } else {
    try {
      ({ key: privateKey, kid: configuredKid } = parseKey(config.privateKey!, 'private'));
      algorithmOf(privateKey);
    } catch (err) {
      throw new Error(`TOKEN_PRIVATE_KEY: ${(err as Error).message}`, { cause: err });
    }
  }
  const alg = algorithmOf(privateKey);
  const publicJwk = await publicJwkOf(createPublicKey(privateKey), configuredKid);
  const current: SigningKey = { kid: publicJwk.kid, alg, privateKey, publicJwk };

  const previous: PublicJwk[] = [];
  try {
    for (const text of splitPreviousKeys(config.previousPublicKeys ?? '')) {
      const { key, kid } = parseKey(text, 'public');
      const jwk = await publicJwkOf(key, kid);
      if (jwk.kid !== current.kid && !previous.some((known) => known.kid === jwk.kid)) {
        previous.push(jwk);
      }
    }
  } catch (err) {
    throw new Error(`TOKEN_PREVIOUS_PUBLIC_KEYS: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { current, jwks: { keys: [publicJwk, ...previous] }, ephemeral };
}
