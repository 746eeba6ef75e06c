import { createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import nock from 'nock';
import { APP_ID, SERVICE_URL } from '../fixtures/teams/activities.ts';

/**
 * A stand-in for the Bot Framework's token service: an RSA signing key published as a JWKS, and tokens
 * signed the way the Bot Connector signs the activities it sends (RS256, issuer
 * https://api.botframework.com, audience = the bot's app id, a `serviceurl` claim). Tests change one claim
 * at a time to prove each check.
 */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const BOT_FRAMEWORK_KEYS_HOST = 'https://login.botframework.com';
export const BOT_FRAMEWORK_KEYS_PATH = '/v1/.well-known/keys';
export const BOT_FRAMEWORK_METADATA_PATH = '/v1/.well-known/openidconfiguration';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function signingKey(kid = `key-${randomUUID()}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...publicKey.export({ format: 'jwk' }),
    kid,
    kty: 'RSA',
    use: 'sig',
    endorsements: ['msteams'],
  };
  return { kid, privateKey, jwk };
}

export interface TokenClaims {
  iss?: string;
  aud?: string;
  serviceurl?: string;
  /** Seconds relative to now. */
  expiresIn?: number;
  issuedAgo?: number;
}

export function signToken(
  key: SigningKey,
  claims: TokenClaims = {},
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid };
  const payload = {
    iss: claims.iss ?? BOT_FRAMEWORK_ISSUER,
    aud: claims.aud ?? APP_ID,
    serviceurl: claims.serviceurl ?? SERVICE_URL,
    nbf: nowSeconds - (claims.issuedAgo ?? 60),
    iat: nowSeconds - (claims.issuedAgo ?? 60),
    exp: nowSeconds + (claims.expiresIn ?? 3600),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

/** Publishes keys at the Bot Framework's JWKS address (nock, for in-process tests). */
export function publishKeys(...keys: SigningKey[]): nock.Scope {
  return nock(BOT_FRAMEWORK_KEYS_HOST)
    .persist()
    .get(BOT_FRAMEWORK_KEYS_PATH)
    .reply(200, { keys: keys.map((key) => key.jwk) });
}

/** The bot's own token from Entra (client credentials), for the sender's Connector calls. */
export function grantBotTokens(tenant = 'botframework.com'): nock.Scope {
  return nock('https://login.microsoftonline.com')
    .persist()
    .post(
      `/${tenant}/oauth2/v2.0/token`,
      (body: Record<string, string>) => body.grant_type === 'client_credentials',
    )
    .reply(200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: 'fake-bot-token',
    });
}
