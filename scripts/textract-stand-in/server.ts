import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type TextDetectionJobs, TextractError } from './jobs.js';

/**
 * Textract's wire protocol as the AWS SDK speaks it: JSON 1.1, every request a POST to `/` naming its
 * operation in `X-Amz-Target: Textract.<Operation>`, errors as HTTP 400 with `__type` naming the
 * exception. Beside it, under `/_stand-in/`, what tests and scripts ask of the stand-in itself: its
 * counts (pages read, jobs), throttling (of every operation or of one) and lost notifications on demand, and health.
 */

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

const fail = (response: ServerResponse, error: TextractError) =>
  send(response, 400, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });

async function control(jobs: TextDetectionJobs, request: IncomingMessage, response: ServerResponse, path: string) {
  if (request.method === 'GET' && path === '/_stand-in/health') return send(response, 200, { ok: true });
  if (request.method === 'GET' && path === '/_stand-in/stats') return send(response, 200, jobs.stats());
  if (request.method === 'POST' && path === '/_stand-in/idle') {
    await jobs.idle();
    return send(response, 200, jobs.stats());
  }
  const { count, operation } = JSON.parse((await body(request)) || '{}') as { count?: number; operation?: string };
  if (request.method === 'POST' && path === '/_stand-in/throttle') {
    jobs.throttle(count ?? 1, operation);
    return send(response, 200, { throttleNext: count ?? 1, ...(operation ? { operation } : {}) });
  }
  if (request.method === 'POST' && path === '/_stand-in/drop-notifications') {
    jobs.dropNotifications(count ?? 1);
    return send(response, 200, { dropNext: count ?? 1 });
  }
  return send(response, 404, { message: `no ${request.method} ${path}` });
}

export function textractServer(jobs: TextDetectionJobs): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    (async () => {
      if (path.startsWith('/_stand-in/')) return control(jobs, request, response, path);
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse((await body(request)) || '{}');
      try {
        jobs.admit(target.replace(/^Textract\./, ''));
        switch (target) {
          case 'Textract.StartDocumentTextDetection':
            return send(response, 200, await jobs.start(input));
          case 'Textract.GetDocumentTextDetection':
            return send(response, 200, jobs.get(input));
          default:
            throw new TextractError('UnknownOperationException', `The stand-in does not offer ${target || 'an unnamed operation'}.`);
        }
      } catch (error) {
        if (error instanceof TextractError) return fail(response, error);
        throw error;
      }
    })().catch((error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      if (!response.headersSent) send(response, 500, { __type: 'InternalServerError', message: String(error) });
    });
  });
}
