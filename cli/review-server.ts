import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { handleReviewApi, type ReviewApiContext, type ReviewApiResponse } from '../shared/review-api/routes.js';
import type { Asset } from './review-assets.js';

/**
 * The review app's local HTTP server: the app's files and the review API (`shared/review-api`) on
 * 127.0.0.1 only. Every request must carry the token of the URL the command printed — as the query of
 * that first URL, which sets an HttpOnly, SameSite=Strict cookie and redirects to the bare address, or
 * as that cookie. A request naming another Host or coming from another Origin is refused before the
 * token is even looked at (DNS rebinding, cross-site requests). Every response forbids inline script
 * and anything from elsewhere. The log names method, route, status and time, never document content.
 */

export interface ReviewServer {
  /** The URL to open: the server's address with the token. */
  url: string;
  origin: string;
  close: () => Promise<void>;
}

export interface ReviewServerOptions {
  /** 0 picks a free port. */
  port: number;
  api: ReviewApiContext;
  assets: Map<string, Asset>;
  log: (line: string) => void;
}

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;

/** pdf.js decodes some images with WebAssembly, which needs 'wasm-unsafe-eval'; nothing else beyond 'self'. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  if (!/^application\/json(;|$)/i.test(request.headers['content-type'] ?? '')) throw new HttpError(415, 'the body must be JSON (Content-Type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

/** `filename` for ASCII readers and `filename*` with the name as it is. */
function contentDisposition(disposition: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'document.pdf';
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

async function send(response: ServerResponse, result: ReviewApiResponse): Promise<void> {
  if ('json' in result) {
    response.writeHead(result.status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(result.json));
  } else if ('text' in result) {
    response.writeHead(result.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(result.text);
  } else {
    const { file } = result;
    response.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Disposition': contentDisposition(file.disposition, file.fileName),
      ...(file.contentLength !== undefined ? { 'Content-Length': file.contentLength } : {}),
    });
    await pipeline(Readable.from(file.body), response);
  }
}

/** The route for the log: the path with a document id shortened, no query (it may hold names typed into a filter). */
const routeOf = (path: string) => path.replace(/[0-9a-f]{64}/, (hex) => `${hex.slice(0, 12)}…`);

/** What the log may say about a failure: its kind, and the message of AWS SDK errors, which name resources, not documents. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  return '$metadata' in error ? `${error.name}: ${error.message}` : error.name;
}

export async function startReviewServer({ port, api, assets, log }: ReviewServerOptions): Promise<ReviewServer> {
  const token = randomBytes(32).toString('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${HOST}:${address.port}`;
  // Cookies are not told apart by port: the name carries it, so that two servers do not log each other out.
  const cookie = `review-token-${address.port}`;
  const validToken = (candidate: string | undefined) =>
    candidate !== undefined && candidate.length === token.length && timingSafeEqual(Buffer.from(candidate), Buffer.from(token));

  /** Why a request is refused, checked in this order: its Host, its Origin and site, its token. */
  function refusal(request: IncomingMessage, url: URL): HttpError | undefined {
    if (request.headers.host !== `${HOST}:${address.port}`) return new HttpError(421, `this server answers only to ${HOST}:${address.port}`);
    const requestOrigin = request.headers.origin;
    const unsafe = request.method !== 'GET' && request.method !== 'HEAD';
    if ((requestOrigin !== undefined || unsafe) && requestOrigin !== origin) return new HttpError(403, 'requests from other origins are refused');
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return new HttpError(403, 'cross-site requests are refused');
    if (!validToken(cookieValue(request.headers.cookie, cookie)) && !(url.pathname === '/' && validToken(url.searchParams.get('token') ?? undefined))) {
      return new HttpError(403, 'open the address `agreements review serve` printed (with its token)');
    }
    return undefined;
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const started = Date.now();
    const url = URL.parse(request.url ?? '/', origin) ?? new URL('/invalid', origin);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const handle = async () => {
      const refused = refusal(request, url);
      if (refused) throw refused;
      if (url.pathname === '/' && url.searchParams.has('token')) {
        // The token moves from the address bar into a cookie scripts cannot read.
        response.writeHead(303, { Location: '/', 'Set-Cookie': `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/` }).end();
        return;
      }
      if (url.pathname.startsWith('/api/')) {
        const body = request.method === 'POST' ? await readJsonBody(request) : undefined;
        await send(response, await handleReviewApi({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, body }, api));
        return;
      }
      const asset = request.method === 'GET' ? assets.get(url.pathname) : undefined;
      if (!asset) throw new HttpError(404, 'not found');
      response.writeHead(200, { 'Content-Type': asset.contentType, 'Content-Length': asset.body.length }).end(asset.body);
    };
    handle()
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (status === 500) log(`${request.method} ${routeOf(url.pathname)} failed: ${describeFailure(error)}`);
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const message = error instanceof HttpError ? error.message : 'the server failed; its log says why';
        const wantsJson = url.pathname.startsWith('/api/');
        response
          .writeHead(status, { 'Content-Type': wantsJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8' })
          .end(wantsJson ? JSON.stringify({ error: status === 500 ? 'internal' : 'refused', message }) : `${message}\n`);
      })
      .finally(() => log(`${request.method} ${routeOf(url.pathname)} ${response.statusCode} ${Date.now() - started} ms`));
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
