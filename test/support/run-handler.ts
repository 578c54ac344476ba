import { pathToFileURL } from 'node:url';

/**
 * Runs one Lambda handler of ours in this process, as a test's child: `node --import tsx
 * test/support/run-handler.ts functions/report.ts '<event as JSON>'`, with the function's environment.
 * Prints the handler's result and this process's peak memory, as one JSON line, last.
 */
const [entry, event] = process.argv.slice(2);
if (!entry || !event) throw new Error('usage: run-handler.ts <handler module> <event JSON>');
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
const result = await handler(JSON.parse(event), { functionName: 'child', awsRequestId: String(process.pid) });
process.stdout.write(`${JSON.stringify({ result: result ?? null, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
