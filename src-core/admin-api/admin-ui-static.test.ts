/**
 * The admin GUI's static files: served without the token but only to loopback peers naming this
 * server, SPA fallback, cache headers, content types, CSP, no way out of the dist directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatrixError } from '../http/matrix-error';
import { adminAccessPolicy } from './admin-access';
import { registerAdminUi, resolveUiFile } from './admin-ui-static';

const HOST = '127.0.0.1:8448';

function appFor(distDir: string): FastifyInstance {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) =>
    error instanceof MatrixError
      ? reply.code(error.status).send(error.toJson())
      : reply.code(500).send({ errcode: 'M_UNKNOWN', error: String(error) }),
  );
  registerAdminUi(app, {
    policy: adminAccessPolicy('t'.repeat(40), '127.0.0.1:8448', '127.0.0.1'),
    distDir,
  });
  return app;
}

let dist: string;
let app: FastifyInstance;
let emptyApp: FastifyInstance;

beforeAll(async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'skein-ui-'));
  dist = path.join(root, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'export {};');
  writeFileSync(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(path.join(root, 'secret.txt'), 'outside');
  app = appFor(dist);
  emptyApp = appFor(path.join(root, 'missing'));
  await Promise.all([app.ready(), emptyApp.ready()]);
});

afterAll(async () => {
  await Promise.all([app.close(), emptyApp.close()]);
});

const get = (target: FastifyInstance, url: string, headers: Record<string, string> = {}) =>
  target.inject({ method: 'GET', url, headers: { host: HOST, ...headers } });

describe('admin GUI static files', () => {
  it('serves index.html without a token, with a CSP allowing only this origin', async () => {
    const response = await get(app, '/_skein/admin/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<title>ui</title>');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' wss://${HOST}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('redirects /_skein/admin to the trailing slash, keeping ?token=', async () => {
    const response = await get(app, '/_skein/admin?token=abc');
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/_skein/admin/?token=abc');
  });

  it('serves hashed assets with their type and a long cache', async () => {
    const js = await get(app, '/_skein/admin/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await get(app, '/_skein/admin/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers page routes with index.html and missing files with 404', async () => {
    const route = await get(app, '/_skein/admin/rooms/abc');
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<title>ui</title>');
    expect((await get(app, '/_skein/admin/assets/nope.js')).statusCode).toBe(404);
    const api = await get(app, '/_skein/admin/v1/nope');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
  });

  it('never leaves the dist directory', async () => {
    for (const url of [
      '/_skein/admin/../secret.txt',
      '/_skein/admin/%2e%2e/secret.txt',
      '/_skein/admin/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/_skein/admin/..%5csecret.txt',
    ]) {
      const response = await get(app, url);
      expect(response.body, url).not.toContain('outside');
    }
    expect(resolveUiFile(dist, '../secret.txt')).toBe(path.join(dist, 'secret.txt'));
    expect(resolveUiFile(dist, '%2e%2e/%2e%2e/secret.txt')).toBe(path.join(dist, 'secret.txt'));
    expect(resolveUiFile(dist, 'a\\..\\..\\secret.txt')).toBeUndefined();
    expect(resolveUiFile(dist, '%00')).toBeUndefined();
    expect(resolveUiFile(dist, '%E0%A4%A')).toBeUndefined();
  });

  it('refuses a foreign Host or Origin even for the page', async () => {
    expect((await get(app, '/_skein/admin/', { host: 'evil.example' })).statusCode).toBe(403);
    const crossSite = await get(app, '/_skein/admin/', { origin: 'https://evil.example' });
    expect(crossSite.statusCode).toBe(403);
  });

  it('explains how to build the GUI when renderer/dist is missing', async () => {
    const response = await get(emptyApp, '/_skein/admin/');
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build:renderer');
  });
});
