import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCalls, describeFailure, reportFailure } from '../../cli/errors.js';
import { UsageError } from '../../cli/files.js';

/**
 * The one error path of the CLI: real SDK clients against a local HTTP server that answers as AWS does
 * when it refuses a call, and against a port nobody listens on.
 */
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let server: Server;
let endpoint: string;
/** The AWS error the server answers the next call with: [status, JSON body for DynamoDB, XML body for S3]. */
let answer: { status: number; type: string; message: string };

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.headers['x-amz-target']) {
        response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': answer.type });
        response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`, message: answer.message }));
      } else {
        response.writeHead(answer.status, { 'content-type': 'application/xml' });
        response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${answer.type}</Code><Message>${answer.message}</Message></Error>`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const dynamodb = (at: string) =>
  DynamoDBDocumentClient.from(describeCalls(new DynamoDBClient({ endpoint: at, region: 'eu-central-1', credentials, maxAttempts: 1 }), at));
const s3 = (at: string) => describeCalls(new S3Client({ endpoint: at, region: 'eu-central-1', credentials, forcePathStyle: true, maxAttempts: 1 }), at);
const failureOf = (promise: Promise<unknown>) => promise.then(() => expect.fail('the call succeeded'), (error: unknown) => error);

describe('describeFailure', () => {
  it('names the endpoint, the operation and the table when nothing listens, and says how to start the emulator', async () => {
    const closed = 'http://127.0.0.1:9';
    const error = await failureOf(dynamodb(closed).send(new GetCommand({ TableName: 'Records', Key: { documentId: 'x' } })));
    expect(describeFailure(error)).toBe(
      'cannot reach http://127.0.0.1:9 (connection refused) for DynamoDB GetItem on Records. Is the local emulator running? Start it with `npm run local:up` (its settings: set -a; . .local/emulator.env; set +a), or pass --endpoint.',
    );
  });

  it('says that a table does not exist and how to deploy', async () => {
    answer = { status: 400, type: 'ResourceNotFoundException', message: 'Requested resource not found' };
    const error = await failureOf(dynamodb(endpoint).send(new GetCommand({ TableName: 'Gone', Key: { documentId: 'x' } })));
    expect(describeFailure(error)).toBe(
      `the table Gone does not exist at ${endpoint} (DynamoDB GetItem on Gone). Deploy the stack (npm run local:deploy, or cdk deploy), or check --outputs, --bucket, --records-table and --batches-table.`,
    );
  });

  it('says that a bucket does not exist', async () => {
    answer = { status: 404, type: 'NoSuchBucket', message: 'The specified bucket does not exist' };
    const error = await failureOf(s3(endpoint).send(new GetObjectCommand({ Bucket: 'missing-bucket', Key: 'a.pdf' })));
    expect(describeFailure(error)).toMatch(new RegExp(`^the bucket missing-bucket does not exist at ${endpoint} \\(S3 GetObject on missing-bucket\\)\\. Deploy the stack`));
  });

  it('tells refused credentials from missing permissions', async () => {
    answer = { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const refused = await failureOf(dynamodb(endpoint).send(new GetCommand({ TableName: 'Records', Key: { documentId: 'x' } })));
    expect(describeFailure(refused)).toBe(
      `${endpoint} refused the AWS credentials for DynamoDB GetItem on Records (UnrecognizedClientException). Check AWS_PROFILE or the access keys, or sign in again (aws sso login).`,
    );
    answer = { status: 403, type: 'AccessDenied', message: 'Access Denied' };
    const denied = await failureOf(s3(endpoint).send(new GetObjectCommand({ Bucket: 'uploads', Key: 'a.pdf' })));
    expect(describeFailure(denied)).toBe(
      `access denied: the AWS credentials in use may not call S3 GetObject on uploads at ${endpoint}. Check the identity's permissions (aws sts get-caller-identity shows who you are).`,
    );
  });

  it('passes any other service error on with its code, the call and the endpoint', async () => {
    answer = { status: 400, type: 'ValidationException', message: 'One or more parameter values were invalid' };
    const error = await failureOf(dynamodb(endpoint).send(new GetCommand({ TableName: 'Records', Key: { documentId: 'x' } })));
    expect(describeFailure(error)).toBe(`DynamoDB GetItem on Records at ${endpoint} failed: ValidationException: One or more parameter values were invalid`);
  });

  it('says what to set when credentials or the region are missing', () => {
    expect(describeFailure(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))).toMatch(
      /^no AWS credentials were found\. Set AWS_PROFILE/,
    );
    expect(describeFailure(new Error('Region is missing'))).toBe('no AWS region is set. Set AWS_REGION (for example eu-central-1) or a region in your AWS profile.');
  });
});

describe('reportFailure', () => {
  it('exits 2 for usage errors and 1 for everything else, with the stack only under --debug', () => {
    expect(reportFailure(new UsageError('give --batch or --year, not both'), { debug: false })).toEqual({ exitCode: 2, text: 'agreements: give --batch or --year, not both\n' });
    const failure = new Error('boom');
    expect(reportFailure(failure, { debug: false })).toEqual({ exitCode: 1, text: 'agreements: boom\n' });
    const debug = reportFailure(failure, { debug: true });
    expect(debug.exitCode).toBe(1);
    expect(debug.text).toBe(`agreements: boom\n${failure.stack}\n`);
  });
});
