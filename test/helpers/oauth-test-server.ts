import http from 'node:http';
import {
  OAuth2Server,
  type MutableResponse,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';
import { startHttpTestServer, type HttpTestServer } from './http-test-server.js';

/** What the token endpoint received and answered, once per token request. */
export interface TokenRequestSeen {
  grantType: string;
  /** `client_id:client_secret` from HTTP Basic, when sent so. */
  basic: string | undefined;
  form: Record<string, string>;
  /** The access token it answered with (absent for an error answer). */
  accessToken: string | undefined;
  refreshToken: string | undefined;
}

/**
 * A real OAuth 2 authorization server on loopback (oauth2-mock-server),
 * behind a small counting proxy that can hold token requests for a while (so
 * that tests can make many workers ask at once).
 */
export interface OAuthTestServer {
  /** The token endpoint, through the proxy. */
  tokenUrl: string;
  readonly requests: TokenRequestSeen[];
  /** Every access token issued so far. */
  readonly issued: Set<string>;
  /** `expires_in` of the tokens issued from now on. @defaultValue 3600 */
  expiresInS: number;
  /** Milliseconds each token request is held before it goes on. @defaultValue 0 */
  delayMs: number;
  /** When set, the token endpoint answers this status and OAuth error code instead of a token. */
  failWith: { status: number; error: string } | undefined;
  close(): Promise<void>;
}

export async function startOAuthTestServer(): Promise<OAuthTestServer> {
  const oauth = new OAuth2Server();
  await oauth.issuer.keys.generate('RS256');
  await oauth.start(0, '127.0.0.1');
  const upstream = new URL(oauth.issuer.url ?? '');
  const state: OAuthTestServer = {
    tokenUrl: '',
    requests: [],
    issued: new Set(),
    expiresInS: 3600,
    delayMs: 0,
    failWith: undefined,
    close: async () => {
      await proxy.close();
      await oauth.stop();
    },
  };
  oauth.service.on(
    'beforeResponse',
    (response: MutableResponse, req: TokenRequestIncomingMessage) => {
      const body = response.body as Record<string, unknown>;
      const header = req.headers.authorization;
      const seen: TokenRequestSeen = {
        grantType: req.body.grant_type,
        basic: header?.startsWith('Basic ')
          ? Buffer.from(header.slice(6), 'base64').toString('utf8')
          : undefined,
        form: { ...(req.body as unknown as Record<string, string>) },
        accessToken: undefined,
        refreshToken: undefined,
      };
      if (state.failWith) {
        response.statusCode = state.failWith.status;
        response.body = { error: state.failWith.error, error_description: 'told to fail' };
      } else {
        body.expires_in = state.expiresInS;
        seen.accessToken = body.access_token as string;
        seen.refreshToken = body.refresh_token as string | undefined;
        state.issued.add(seen.accessToken);
      }
      state.requests.push(seen);
    },
  );
  const proxy: HttpTestServer = await startHttpTestServer((req, res) => {
    const forward = () => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (state.delayMs > 0) setTimeout(forward, state.delayMs);
    else forward();
  });
  state.tokenUrl = `${proxy.url}/token`;
  return state;
}
