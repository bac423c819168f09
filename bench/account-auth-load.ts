/**
 * `npx tsx bench/account-auth-load.ts [calls] [clients]`: the default login/register rate limit
 * must not bite a busy desktop. Starts an in-process homeserver with default config and makes
 * `calls` (default 2,000) register+login calls, half each, from `clients` (default 8) concurrent
 * loopback clients. Exits 1 if any call is not a 200 (a 429 in particular); prints throughput.
 *
 * Standalone rather than a bench suite: it measures the HTTP stack plus scrypt, not one function.
 */
import { requestJson } from '../src-core/testing/https-request';
import { startTestHomeserver } from '../src-core/testing/test-homeserver';

const calls = Number(process.argv[2] ?? 2000);
const clients = Number(process.argv[3] ?? 8);
const V3 = '/_matrix/client/v3';

const server = await startTestHomeserver();
const statuses = new Map<number, number>();
let next = 0;
const started = performance.now();
try {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      // Each iteration is one register and one login of the same user.
      while (next < calls / 2) {
        const username = `load${next++}`;
        const registered = await requestJson(`${server.baseUrl}${V3}/register`, {
          method: 'POST',
          body: { username, password: 'pw', auth: { type: 'm.login.dummy' } },
        });
        const login = await requestJson(`${server.baseUrl}${V3}/login`, {
          method: 'POST',
          body: { type: 'm.login.password', user: username, password: 'pw' },
        });
        for (const { status } of [registered, login]) {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }
    }),
  );
} finally {
  await server.stop();
}
const seconds = (performance.now() - started) / 1000;
const total = [...statuses.values()].reduce((a, b) => a + b, 0);
process.stdout.write(
  `${total} calls from ${clients} clients in ${seconds.toFixed(1)} s ` +
    `(${(total / seconds).toFixed(0)}/s); statuses: ${JSON.stringify(Object.fromEntries(statuses))}\n`,
);
process.exitCode = statuses.size === 1 && statuses.has(200) ? 0 : 1;
