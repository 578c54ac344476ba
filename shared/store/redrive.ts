import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type BatchTracker, reportRequestSchema } from './batch-tracking.js';
import { batchInKey } from '../keys.js';
import type { RecordsTable } from './records.js';

/**
 * Puts parked messages back where they came from, after a fix: upload notices to the ingest queue,
 * report requests asked for again as a change to their batch (`BatchTracker.recordChanged`), Textract
 * completions to the OCR-complete function (as the asynchronous invocation they were). Our own code, since not every emulator has SQS's
 * StartMessageMoveTask, and because a redrive can be limited to one batch.
 */

export type ParkedKind = 'upload' | 'report' | 'ocr-completion';

export interface ParkedMessage {
  kind: ParkedKind;
  /** What the message is about: the uploaded key, the batch of the report, or the document Textract read. */
  subject: string;
  batch?: string;
}

export type RedriveOutcome = ParkedMessage & { action: 'redriven' | 'would redrive' | 'left' };

export interface RedriveTargets {
  sqs: SQSClient;
  lambda: LambdaClient;
  records: RecordsTable;
  /** A parked report request is asked for again as a change to its batch: a new request, numbered after the parked one. */
  tracker: BatchTracker;
  upload: { parked: string; queue: string };
  report: { parked: string };
  ocrCompletion?: { parked: string; functionName: string };
}

/** How long a message read here stays hidden from other readers while it is looked at. */
const LOOK_SECONDS = 120;

async function describe(kind: ParkedKind, message: Message, records: RecordsTable): Promise<ParkedMessage[]> {
  const body = JSON.parse(message.Body ?? '{}');
  switch (kind) {
    case 'upload':
      return ((body.Records ?? []) as { s3: { object: { key: string } } }[]).map(({ s3 }) => {
        const key = decodeURIComponent(s3.object.key.replace(/\+/g, ' '));
        return { kind, subject: key, batch: batchInKey(key) };
      });
    case 'report':
      return [{ kind, subject: String(body.batchId), batch: String(body.batchId) }];
    case 'ocr-completion':
      return Promise.all(
        ((parkedEvent(body).Records ?? []) as { Sns: { Message: string } }[]).map(async ({ Sns }) => {
          const documentId = `sha256:${JSON.parse(Sns.Message).JobTag}`;
          return { kind, subject: documentId, batch: (await records.get(documentId))?.batchId };
        }),
      );
  }
}

/**
 * The event of an asynchronous invocation Lambda parked: the message itself (a dead-letter queue, as
 * AWS parks it), or its `requestPayload` (the shape of an on-failure destination, which some emulators
 * also give their dead-letter queues).
 */
function parkedEvent(body: Record<string, unknown>): { Records?: unknown[] } {
  return (typeof body.requestPayload === 'object' && body.requestPayload !== null ? body.requestPayload : body) as { Records?: unknown[] };
}

/** Every message waiting in a queue, each hidden from other readers while this runs. */
async function receiveAll(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: LOOK_SECONDS, WaitTimeSeconds: 1, AttributeNames: ['All'] }),
    );
    if (!Messages?.length) return messages;
    messages.push(...Messages);
  }
}

export async function redrive(targets: RedriveTargets, options: { batch?: string; dryRun: boolean }): Promise<RedriveOutcome[]> {
  const { sqs, lambda, records } = targets;
  const sources: { kind: ParkedKind; parked: string; putBack: (body: string) => Promise<void> }[] = [
    { kind: 'upload', parked: targets.upload.parked, putBack: (body) => sqs.send(new SendMessageCommand({ QueueUrl: targets.upload.queue, MessageBody: body })).then(() => undefined) },
    { kind: 'report', parked: targets.report.parked, putBack: (body) => targets.tracker.recordChanged(reportRequestSchema.parse(JSON.parse(body)).batchId).then(() => undefined) },
  ];
  const { ocrCompletion } = targets;
  if (ocrCompletion) {
    sources.push({
      kind: 'ocr-completion',
      parked: ocrCompletion.parked,
      putBack: async (body) => {
        const event = parkedEvent(JSON.parse(body));
        await lambda.send(new InvokeCommand({ FunctionName: ocrCompletion.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
      },
    });
  }
  const outcomes: RedriveOutcome[] = [];
  for (const source of sources) {
    for (const message of await receiveAll(sqs, source.parked)) {
      const described = await describe(source.kind, message, records);
      const chosen = options.batch === undefined || described.some((parked) => parked.batch === options.batch);
      if (chosen && !options.dryRun) {
        await source.putBack(message.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: source.parked, ReceiptHandle: message.ReceiptHandle }));
      } else {
        // Left parked, and visible again at once.
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: source.parked, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
      }
      const action = !chosen ? 'left' : options.dryRun ? 'would redrive' : 'redriven';
      outcomes.push(...described.map((parked) => ({ ...parked, action }) as RedriveOutcome));
    }
  }
  return outcomes;
}
