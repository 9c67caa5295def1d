import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchProfile } from '../../../../electron/node/profile/profile-fetch';
import { makeTestCertificates } from '../../../support/https-server';

// The fetcher against a real HTTPS server on loopback whose certificate a throw-away CA signed (openssl).
type Route = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Route>();
const seen: Array<{ path: string; ifNoneMatch: string | undefined }> = [];
let certs: ReturnType<typeof makeTestCertificates>;
let server: https.Server;
let base: string;
let dir: string;

beforeAll(async () => {
  certs = makeTestCertificates();
  server = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    const header = req.headers['if-none-match'];
    seen.push({ path: req.url ?? '', ifNoneMatch: typeof header === 'string' ? header : undefined });
    const route = routes.get(req.url ?? '');
    if (route) route(req, res);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-fetch-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const doc = 'eyJhbGciOiJFZERTQSJ9.eyJ0ZWFtIjoieCJ9.c2ln';
routes.set('/p.jws', (req, res) => {
  if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
  else res.writeHead(200, { etag: '"v1"' }).end(doc);
});
routes.set('/hop', (_req, res) => res.writeHead(302, { location: '/p.jws' }).end());
routes.set('/to-http', (_req, res) => res.writeHead(301, { location: 'http://127.0.0.1:1/p.jws' }).end());
routes.set('/loop', (_req, res) => res.writeHead(307, { location: '/loop' }).end());
routes.set('/boom', (_req, res) => res.writeHead(500).end('oops'));
routes.set('/big', (_req, res) => res.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000)));
routes.set('/big-chunked', (_req, res) => {
  res.writeHead(200);
  for (let i = 0; i < 20; i++) res.write('y'.repeat(100));
  res.end();
});
routes.set('/trickle', (_req, res) => {
  res.writeHead(200);
  const t = setInterval(() => res.write('.'), 20);
  res.on('close', () => clearInterval(t));
});

const opts = (more: Partial<Parameters<typeof fetchProfile>[1]> = {}) => ({
  maxBytes: 1000,
  ca: certs.caPem,
  deadlineMs: 2000,
  ...more,
});

describe('fetchProfile over https', () => {
  it('fetches the document with its ETag, then sends If-None-Match and gets 304 = unchanged', async () => {
    seen.length = 0;
    const first = await fetchProfile(`${base}/p.jws`, opts());
    expect(first).toEqual({ kind: 'fetched', body: Buffer.from(doc), etag: '"v1"' });
    const second = await fetchProfile(`${base}/p.jws`, opts({ etag: '"v1"' }));
    expect(second).toEqual({ kind: 'unchanged' });
    expect(seen).toEqual([
      { path: '/p.jws', ifNoneMatch: undefined },
      { path: '/p.jws', ifNoneMatch: '"v1"' },
    ]);
  });

  it('follows an https redirect, refuses one to http and a chain of more than three', async () => {
    expect(await fetchProfile(`${base}/hop`, opts())).toMatchObject({ kind: 'fetched', body: Buffer.from(doc) });
    expect(await fetchProfile(`${base}/to-http`, opts())).toMatchObject({
      kind: 'failed',
      problem: 'insecure-redirect',
      detail: expect.stringContaining('http://127.0.0.1:1/p.jws'),
    });
    seen.length = 0;
    expect(await fetchProfile(`${base}/loop`, opts())).toMatchObject({
      kind: 'failed',
      problem: 'insecure-redirect',
      detail: expect.stringContaining('more than 3 redirects'),
    });
    expect(seen).toHaveLength(4);
  });

  it('names the HTTP status of a 404 and a 500', async () => {
    expect(await fetchProfile(`${base}/missing`, opts())).toMatchObject({
      kind: 'failed',
      problem: 'http-status',
      status: 404,
    });
    expect(await fetchProfile(`${base}/boom`, opts())).toMatchObject({
      kind: 'failed',
      problem: 'http-status',
      status: 500,
    });
  });

  it('refuses a document over the cap, by its Content-Length or as it streams', async () => {
    expect(await fetchProfile(`${base}/big`, opts())).toMatchObject({
      kind: 'too-large',
      detail: expect.stringContaining('Content-Length 2000'),
    });
    expect(await fetchProfile(`${base}/big-chunked`, opts())).toMatchObject({ kind: 'too-large' });
  });

  it('gives up on a trickling server at the deadline', async () => {
    expect(await fetchProfile(`${base}/trickle`, opts({ deadlineMs: 300 }))).toEqual({
      kind: 'failed',
      problem: 'timeout',
      detail: 'no complete answer within 300 ms',
    });
  });

  it('a certificate not from a trusted CA is a tls problem; a closed port is unreachable', async () => {
    expect(await fetchProfile(`${base}/p.jws`, { maxBytes: 1000, deadlineMs: 2000 })).toMatchObject({
      kind: 'failed',
      problem: 'tls',
      detail: expect.stringContaining('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
    });
    expect(await fetchProfile('https://127.0.0.1:1/p.jws', opts())).toMatchObject({
      kind: 'failed',
      problem: 'unreachable',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('refuses a plain http:// URL without connecting', async () => {
    expect(await fetchProfile('http://127.0.0.1:1/p.jws', opts())).toMatchObject({
      kind: 'failed',
      problem: 'insecure-redirect',
    });
  });
});

describe('fetchProfile from a file:// share', () => {
  it('reads the file, uses mtime+size as its ETag, and sees a replaced file', async () => {
    const file = path.join(dir, 'team.jws');
    writeFileSync(file, doc);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const url = pathToFileURL(file).href;
    const first = await fetchProfile(url, opts());
    expect(first).toMatchObject({ kind: 'fetched', body: Buffer.from(doc) });
    const etag = first.kind === 'fetched' ? first.etag : undefined;
    expect(await fetchProfile(url, opts({ etag }))).toEqual({ kind: 'unchanged' });
    writeFileSync(file, `${doc}x`);
    expect(await fetchProfile(url, opts({ etag }))).toMatchObject({ kind: 'fetched', body: Buffer.from(`${doc}x`) });
  });

  it('a missing file is unreachable, a large one too-large', async () => {
    expect(await fetchProfile(pathToFileURL(path.join(dir, 'none.jws')).href, opts())).toMatchObject({
      kind: 'failed',
      problem: 'unreachable',
      detail: expect.stringContaining('ENOENT'),
    });
    const big = path.join(dir, 'big.jws');
    writeFileSync(big, 'z'.repeat(1001));
    expect(await fetchProfile(pathToFileURL(big).href, opts())).toMatchObject({ kind: 'too-large' });
  });
});
