import type { Command } from 'commander';

/**
 * Where the deployed pipeline is, for the commands that talk to it: the stack's outputs as
 * `npm run local:deploy` or `cdk deploy --outputs-file` writes them (flat, or under the stack's name),
 * or names given on the command line; the endpoint for an emulator (otherwise the AWS SDK's usual
 * configuration applies, AWS_ENDPOINT_URL included).
 */
export interface DeploymentOptions {
  outputs?: string;
  bucket?: string;
  recordsTable?: string;
  batchesTable?: string;
  batchMembersTable?: string;
  reportQueue?: string;
  endpoint?: string;
}

export function addDeploymentOptions(command: Command): Command {
  return command
    .option('--outputs <file>', 'stack outputs written by the deployment', 'cdk.outputs.json')
    .option('--bucket <name>', 'upload bucket (default: UploadBucketName from the outputs)')
    .option('--records-table <name>', 'records table (default: RecordsTableName from the outputs)')
    .option('--batches-table <name>', 'batches table (default: BatchesTableName from the outputs)')
    .option('--batch-members-table <name>', 'batch members table (default: BatchMembersTableName from the outputs)')
    .option('--report-queue <url>', 'queue that asks for a batch\'s report, and again after a change (default: ReportQueueUrl from the outputs)')
    .option('--endpoint <url>', 'AWS endpoint, e.g. a local emulator (default: AWS_ENDPOINT_URL or AWS)');
}
