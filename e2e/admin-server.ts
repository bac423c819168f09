/**
 * A `skein serve` process for browser tests, with its admin token and a small admin API client
 * for checks the page cannot show (the tests confirm what the GUI says against the API).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_API_PREFIX } from '../src-core/admin-api/admin-http-routes';
import { adminTokenPath } from '../src-core/admin-api/admin-token';
import { requestJson } from '../src-core/testing/https-request';
import type { ServerProcess } from '../src-core/testing/server-process';
import { startServerProcess } from '../src-core/testing/server-process';

export interface AdminServer {
  server: ServerProcess;
  token: string;
  /** The GUI's address with the token, as a person would open it the first time. */
  guiUrl: string;
  api<T>(method: 'GET' | 'POST', apiPath: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startAdminServer(): Promise<AdminServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'skein-e2e-'));
  const server = await startServerProcess({ dataDir });
  const token = readFileSync(adminTokenPath(dataDir), 'utf8').trim();
  return {
    server,
    token,
    guiUrl: `${server.baseUrl}/_skein/admin/?token=${encodeURIComponent(token)}`,
    async api<T>(method: 'GET' | 'POST', apiPath: string, body?: unknown): Promise<T> {
      const response = await requestJson(`${server.baseUrl}${ADMIN_API_PREFIX}${apiPath}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { body }),
      });
      if (response.status !== 200) {
        throw new Error(
          `${method} ${apiPath}: ${response.status} ${JSON.stringify(response.body)}`,
        );
      }
      return response.body as T;
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
