// A real OpenID Connect provider for Prima's single sign-on tests (node provider.mjs).
// PORT: where it listens on 127.0.0.1; REDIRECT_URIS: the relying party's callbacks (comma
// separated); POST_LOGOUT_REDIRECT_URIS likewise. The people are in USERS_FILE (users.json
// by default), read afresh at every sign-in so that a test can move someone between groups.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const redirectUris = (process.env.REDIRECT_URIS || '').split(',').filter(Boolean);
const postLogoutUris = (process.env.POST_LOGOUT_REDIRECT_URIS || '').split(',').filter(Boolean);
const usersFile = process.env.USERS_FILE || new URL('./users.json', import.meta.url);
const people = () => JSON.parse(fs.readFileSync(usersFile));

// A signing key of its own for every start, so that two providers never share one.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };

const client = (clientId) => ({
  client_id: clientId,
  client_secret: `${clientId}-test-secret`,
  redirect_uris: redirectUris,
  post_logout_redirect_uris: postLogoutUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
});

const provider = new Provider(issuer, {
  // `prima` is the relying party; `other-app` stands for another application of the same
  // organisation; `short-lived` receives ID tokens that expire after one second.
  clients: [client('prima'), client('other-app'), client('short-lived')],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['prima-test-provider-cookie-key'] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'employee'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'locale'],
    employee: ['employee_number', 'groups'],
  },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  ttl: {
    IdToken: (ctx, token, forClient) => (forClient && forClient.clientId === 'short-lived' ? 1 : 3600),
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, accountId) {
    const person = people()[accountId];
    if (!person) return undefined;
    return {
      accountId,
      async claims() {
        const claims = {
          sub: accountId,
          email: person.email,
          email_verified: true,
          given_name: person.given_name,
          family_name: person.family_name,
          name: `${person.given_name} ${person.family_name}`,
          groups: person.groups,
        };
        if (person.employee_number) claims.employee_number = person.employee_number;
        if (person.locale) claims.locale = person.locale;
        return claims;
      },
    };
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(res, uid, error) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>Directory sign-in</title></head><body>
<h1>Directory sign-in</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label for="login">Account</label><input id="login" name="login" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit">Continue</button></form></body></html>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') return signInPage(res, details.uid);
  const form = await readForm(req);
  const accountId = form.get('login') || '';
  const person = people()[accountId];
  if (!person || person.password !== form.get('password')) {
    return signInPage(res, details.uid, 'Wrong account or password.');
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, {
    mergeWithLastSubmission: false,
  });
}

const handle = provider.callback();
http
  .createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((error) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${error.message}`);
      });
      return;
    }
    handle(req, res);
  })
  .listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
