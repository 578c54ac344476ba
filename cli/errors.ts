import { UsageError } from './files.js';

/**
 * One error path for every command. An AWS SDK, credential or network failure becomes one line that says
 * what failed, against which endpoint, bucket, table or queue, and what to do about it; `--debug` adds the
 * stack. Usage errors exit with 2, every other failure with 1.
 */

/** The call a failure happened in, attached to the error by the clients' middleware (see `describeCalls`). */
export interface AwsCall {
  /** "S3", "DynamoDB", "SQS", … */
  service: string;
  /** "GetObject", "Query", … */
  operation: string;
  /** The bucket, table or queue the call was about. */
  target?: string;
  /** Where the call went: the endpoint URL, or "AWS" with the client's region. */
  endpoint: string;
}

const CALL = Symbol('agreements.awsCall');

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};
/** The credentials were found but the service does not accept them. */
const REFUSED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const MISSING_RESOURCE: Record<string, string> = {
  ResourceNotFoundException: 'table',
  NoSuchBucket: 'bucket',
  QueueDoesNotExist: 'queue',
  'AWS.SimpleQueueService.NonExistentQueue': 'queue',
};

type Failure = Error & { code?: string; $metadata?: unknown; [CALL]?: AwsCall };

/** The bucket, table or queue a command's input names. */
function targetOf(input: Record<string, unknown> | undefined): string | undefined {
  if (!input) return undefined;
  for (const key of ['Bucket', 'TableName', 'QueueUrl'] as const) {
    if (typeof input[key] === 'string') return input[key];
  }
  const items = (input.RequestItems ?? undefined) as Record<string, unknown> | undefined;
  return items ? Object.keys(items).join(', ') || undefined : undefined;
}

/**
 * Makes every failed call of `client` carry where it went (`AwsCall`), so that `describeFailure` can name
 * the endpoint and the bucket, table or queue; the error itself passes through unchanged.
 */
export function describeCalls<C extends DescribableClient>(client: C, endpoint: string | undefined): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error && !(CALL in error)) {
          const region = await Promise.resolve(typeof client.config.region === 'function' ? client.config.region() : client.config.region).catch(() => undefined);
          const call: AwsCall = {
            service: String(context.clientName ?? 'AWS').replace(/Client$/, ''),
            operation: String(context.commandName ?? 'call').replace(/Command$/, ''),
            target: targetOf(args.input as Record<string, unknown>),
            endpoint: endpoint ?? `AWS${region ? ` (${region})` : ''}`,
          };
          Object.defineProperty(error, CALL, { value: call, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'agreementsDescribeCalls', override: true },
  );
  return client;
}

/** What `describeCalls` needs of an AWS SDK client (S3Client, DynamoDBClient, SQSClient, …). */
interface DescribableClient {
  config: { region?: string | (() => Promise<string>) };
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override: boolean },
    ): void;
  };
}

const isLocal = (endpoint: string) => /^https?:\/\/(127\.|localhost|\[::1\]|0\.0\.0\.0)/.test(endpoint);

/** The error's own code: Node's for network errors, the service's name for AWS errors. */
function codeOf(error: Failure): string | undefined {
  const cause = (error as { cause?: Failure }).cause;
  return error.code ?? cause?.code ?? (error.name !== 'Error' ? error.name : undefined);
}

/** One line for a person: what failed, against what, and what to do. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const failure = error as Failure;
  const call = failure[CALL];
  const code = codeOf(failure);
  const what = call ? `${call.service} ${call.operation}${call.target ? ` on ${call.target}` : ''}` : 'the request';
  const endpoint = call?.endpoint ?? 'AWS';

  const network = code ? NETWORK_CODES[code] : undefined;
  if (network || failure.name === 'TimeoutError') {
    const fix = isLocal(endpoint)
      ? 'Is the local emulator running? Start it with `npm run local:up` (its settings: set -a; . .local/emulator.env; set +a), or pass --endpoint.'
      : 'Check the network, the endpoint (--endpoint or AWS_ENDPOINT_URL) and AWS_REGION.';
    return `cannot reach ${endpoint} (${network ?? 'timed out'}) for ${what}. ${fix}`;
  }
  if (failure.name === 'CredentialsProviderError' || /Could not load credentials/i.test(failure.message)) {
    return 'no AWS credentials were found. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for the local emulator: set -a; . .local/emulator.env; set +a.';
  }
  if (/Region is missing/i.test(failure.message)) {
    return 'no AWS region is set. Set AWS_REGION (for example eu-central-1) or a region in your AWS profile.';
  }
  if (code && REFUSED_CREDENTIALS.has(code)) {
    return `${endpoint} refused the AWS credentials for ${what} (${code}). Check AWS_PROFILE or the access keys, or sign in again (aws sso login).`;
  }
  if (code && ACCESS_DENIED.has(code)) {
    return `access denied: the AWS credentials in use may not call ${what} at ${endpoint}. Check the identity's permissions (aws sts get-caller-identity shows who you are).`;
  }
  const missing = code ? MISSING_RESOURCE[code] : undefined;
  if (missing) {
    return `the ${missing} ${call?.target ?? ''} does not exist at ${endpoint} (${what}). Deploy the stack (npm run local:deploy, or cdk deploy), or check --outputs, --bucket, --records-table and --batches-table.`.replace('  ', ' ');
  }
  if (failure.$metadata || call) return `${what} at ${endpoint} failed: ${code ? `${code}: ` : ''}${failure.message}`;
  return failure.message || String(code ?? failure);
}

/** The exit code and the lines to print for an error that ended a command. */
export function reportFailure(error: unknown, { debug }: { debug: boolean }): { exitCode: number; text: string } {
  const exitCode = error instanceof UsageError ? 2 : 1;
  const line = `agreements: ${error instanceof UsageError ? error.message : describeFailure(error)}\n`;
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  return { exitCode, text: line + stack };
}
