import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { TextDetectionJobs } from './jobs.js';
import { closeReader, readPages } from './read-pages.js';
import { textractServer } from './server.js';

/**
 * The Textract stand-in for local runs, started by `npm run local:up` beside the emulator: listens on
 * TEXTRACT_STAND_IN_PORT (TEXTRACT_STAND_IN_HOST, default 127.0.0.1), reads documents from the
 * emulator's S3 and publishes job ends to its SNS, both through AWS_ENDPOINT_URL.
 */
const port = Number(process.env.TEXTRACT_STAND_IN_PORT ?? 0);
const host = process.env.TEXTRACT_STAND_IN_HOST ?? '127.0.0.1';
const s3 = new S3Client({ forcePathStyle: true });
const sns = new SNSClient({});

const jobs = new TextDetectionJobs({
  async size(bucket, key) {
    try {
      return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? 0;
    } catch (error) {
      if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.name === 'NoSuchBucket')) return undefined;
      throw error;
    }
  },
  async bytes(bucket, key) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return object.Body!.transformToByteArray();
  },
  read: (bytes) => readPages(bytes),
  async publish(topicArn, message) {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
  },
});

const server = textractServer(jobs);
server.listen(port, host, () => {
  const address = server.address();
  process.stdout.write(`Textract stand-in listening on ${host}:${typeof address === 'object' && address ? address.port : port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    void closeReader().finally(() => process.exit(0));
  });
}
