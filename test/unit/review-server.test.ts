import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confidenceFloorOf } from '../../cli/review-serve-command.js';
import { type ReviewServer, startReviewServer } from '../../cli/review-server.js';
import { extractionConfigSchema } from '../../shared/config.js';
import type { ReviewApiContext } from '../../shared/review-api/routes.js';
import { rawRequest } from '../support/http.js';

/**
 * The review server's gate, without a deployment: only the API's meta route (which reads no store) and
 * a stand-in page are served, so what is checked is who gets in, and with which headers.
 */
let server: ReviewServer;
let port: string;
let token: string;
const log: string[] = [];

const unusedStore = new Proxy({}, { get: () => { throw new Error('no store in this test'); } });
const api: ReviewApiContext = {
  s3: unusedStore as ReviewApiContext['s3'],
  bucket: 'bucket',
  records: unusedStore as ReviewApiContext['records'],
  tracker: unusedStore as ReviewApiContext['tracker'],
  confidenceFloor: 0.6,
  reprocessing: { config: extractionConfigSchema.parse({}), ocr: () => unusedStore as never, reader: unusedStore as never },
  now: () => new Date(),
};

const call = (path: string, headers: Record<string, string>, method?: string, body?: string) => rawRequest(port, path, headers, method, body);

beforeAll(async () => {
  server = await startReviewServer({
    port: 0,
    api,
    assets: new Map([['/', { body: Buffer.from('<!doctype html><title>Prüfung</title>'), contentType: 'text/html; charset=utf-8' }]]),
    log: (line) => log.push(line),
  });
  const url = new URL(server.url);
  port = url.port;
  token = url.searchParams.get('token')!;
});

afterAll(async () => {
  await server?.close();
});

describe('review server', () => {
  const own = () => ({ Host: `127.0.0.1:${port}`, Cookie: `review-token-${port}=${token}` });

  it('listens on 127.0.0.1 and hands out the token as an HttpOnly, SameSite=Strict cookie from the first address', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{43}$`));
    const entered = await call(`/?token=${token}`, { Host: `127.0.0.1:${port}` });
    expect(entered.status).toBe(303);
    expect(entered.headers.location).toBe('/');
    expect(entered.headers['set-cookie']).toEqual([`review-token-${port}=${token}; HttpOnly; SameSite=Strict; Path=/`]);
    const page = await call('/', own());
    expect(page).toMatchObject({ status: 200, body: '<!doctype html><title>Prüfung</title>' });
    expect(page.headers).toMatchObject({
      'content-security-policy': "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    expect(JSON.parse((await call('/api/meta', own())).body)).toMatchObject({ confidenceFloor: 0.6, recipients: expect.arrayContaining([{ name: 'Stadt Kassel', kind: 'kreisfreie_stadt' }]) });
  });

  it('refuses requests without the token or with a wrong one', async () => {
    expect((await call('/api/meta', { Host: `127.0.0.1:${port}` })).status).toBe(403);
    expect((await call('/', { Host: `127.0.0.1:${port}` })).status).toBe(403);
    expect((await call('/api/meta', { ...own(), Cookie: `review-token-${port}=${token.slice(1)}x` })).status).toBe(403);
    // The token opens the door at the first address only, not as a query anywhere.
    expect((await call(`/api/meta?token=${token}`, { Host: `127.0.0.1:${port}` })).status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin or site, even with the token', async () => {
    expect((await call('/api/meta', { ...own(), Host: `rebound.example:${port}` })).status).toBe(421);
    expect((await call('/api/meta', { ...own(), Host: '127.0.0.1' })).status).toBe(421);
    expect((await call('/api/meta', { ...own(), Origin: 'http://rebound.example' })).status).toBe(403);
    expect((await call('/api/meta', { ...own(), Origin: 'null' })).status).toBe(403);
    expect((await call('/api/meta', { ...own(), 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await call('/api/meta', { ...own(), Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    // A write must name its origin.
    const id = 'a'.repeat(64);
    expect((await call(`/api/documents/${id}/reject`, { ...own(), 'Content-Type': 'application/json' }, 'POST', '{}')).status).toBe(403);
  });

  it('takes only JSON bodies of bounded size, and checks a document id before anything else', async () => {
    const post = { ...own(), Origin: `http://127.0.0.1:${port}` };
    const id = 'a'.repeat(64);
    expect((await call(`/api/documents/${id}/reject`, { ...post, 'Content-Type': 'text/plain' }, 'POST', 'x')).status).toBe(415);
    expect((await call(`/api/documents/${id}/reject`, { ...post, 'Content-Type': 'application/json' }, 'POST', '{')).status).toBe(400);
    expect((await call(`/api/documents/${id}/reject`, { ...post, 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ reason: 'x'.repeat(1_100_000) }))).status).toBe(413);
    // The body is checked before the store is asked (which this test's store would refuse with a 500).
    expect(JSON.parse((await call(`/api/documents/${id}/reject`, { ...post, 'Content-Type': 'application/json' }, 'POST', '{"version":1}')).body)).toMatchObject({ error: 'bad_request' });
    for (const path of ['/api/documents/..%2F..%2Fetc%2Fpasswd', `/api/documents/sha256:${id}`, `/api/documents/${id.toUpperCase()}`, `/api/documents/${id}0`]) {
      expect((await call(path, own())).status, path).toBe(404);
    }
    expect((await call('/nothing-here', own())).status).toBe(404);
  });

  it('logs method, route, status and time; document ids shortened, no query', async () => {
    await call('/api/meta?recipient=Stadt%20Kassel', own());
    expect(log.at(-1)).toMatch(/^GET \/api\/meta 200 \d+ ms$/);
    expect(log.some((line) => /^POST \/api\/documents\/aaaaaaaaaaaa…\/reject 403 \d+ ms$/.test(line))).toBe(true);
    expect(log.join('\n')).not.toContain('Kassel');
  });

  it('flags values below the extractor\'s own value confidence floor, 70 % unless configured', () => {
    expect(confidenceFloorOf(extractionConfigSchema.parse({}))).toBe(0.7);
    expect(confidenceFloorOf(extractionConfigSchema.parse({ minValueConfidence: 0.75 }))).toBe(0.75);
  });
});
