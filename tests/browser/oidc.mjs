// A real OpenID Connect provider for the console's sign-in tests (the `oidc-provider`
// package), on a random loopback port. Two people: `operator` is in the support group,
// `visitor` is not.
//
// Protocol with the test: the script prints one JSON line `{"issuer": …}` once it listens,
// then reads one JSON line `{"client_id", "client_secret", "redirect_uri"}` (the daemon's
// address is known only after it is bound), starts answering and prints `{"ready": true}`.
// It runs until killed, or until its standard input closes.
//
// Sign-in: /interaction/{uid} shows a form with a `login` field; posting a known person's
// login signs them in. Consent is implied for the one client (a first-party application).
import http from 'node:http';
import readline from 'node:readline';
import Provider from 'oidc-provider';

const people = {
  operator: { name: 'Olli Operaattori', groups: ['kanta-support', 'staff'] },
  visitor: { name: 'Ville Vieras', groups: ['staff'] },
};

let handler = (_req, res) => {
  res.statusCode = 503;
  res.end('not ready');
};
const server = http.createServer((req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(JSON.stringify({ issuer: `http://127.0.0.1:${port}` }) + '\n');
});

const lines = readline.createInterface({ input: process.stdin });
lines.once('line', (line) => {
  const client = JSON.parse(line);
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uris: [client.redirect_uri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
    // The groups go into the ID token itself, as Keycloak's and Entra's group mappers do.
    conformIdTokenClaims: false,
    cookies: { keys: ['only-for-tests'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) =>
      people[id] && {
        accountId: id,
        claims: () => ({ sub: id, name: people[id].name, groups: people[id].groups }),
      },
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile groups');
      grant.addOIDCClaims(['sub', 'name', 'groups']);
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  handler = async (req, res) => {
    const m = req.url.match(/^\/interaction\/([^/?]+)/);
    if (!m) return callback(req, res);
    try {
      await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="en"><title>Test IdP</title><main>
<form method="post" action="/interaction/${m[1]}"><label for="login">Login</label>
<input id="login" name="login" autocomplete="username"><button type="submit">Sign in</button></form></main></html>`);
        return;
      }
      let body = '';
      for await (const chunk of req) body += chunk;
      const login = new URLSearchParams(body).get('login');
      if (!people[login]) {
        res.statusCode = 400;
        res.end('unknown login');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } }, {
        mergeWithLastSubmission: false,
      });
    } catch (e) {
      res.statusCode = 400;
      res.end(String(e));
    }
  };
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
});
// The test that started it is gone: so is the provider.
lines.on('close', () => process.exit(0));
