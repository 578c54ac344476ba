import { type RedriveOutcome, redrive } from '../shared/store/redrive.js';
import type { DeploymentOptions } from './deployment-options.js';
import { resolveDeployment } from './deployment.js';

/**
 * `agreements redrive`: after a fix, puts the messages parked in the dead-letter queues back where they
 * came from (all of them, or one batch's), so that the documents are read again; the new record
 * replaces the `pipeline.failed` one and the batch's report is written again. `--dry-run` only lists.
 */
export interface RedriveOptions extends DeploymentOptions {
  batch?: string;
  dryRun: boolean;
  json: boolean;
}

export async function runRedrive(options: RedriveOptions): Promise<RedriveOutcome[]> {
  const deployment = resolveDeployment(options);
  const stores = await deployment.stores();
  const outcomes = await redrive(
    { sqs: stores.sqs(), lambda: stores.lambda(), records: stores.records(), tracker: stores.tracker(), ...deployment.deadLetters() },
    { batch: options.batch, dryRun: options.dryRun },
  );
  const shown = outcomes.filter((outcome) => outcome.action !== 'left');
  if (options.json) {
    for (const outcome of shown) process.stdout.write(`${JSON.stringify(outcome)}\n`);
  } else {
    for (const outcome of shown) process.stdout.write(`${outcome.action.padEnd(13)} ${outcome.kind.padEnd(14)} ${outcome.subject}${outcome.batch ? ` (batch ${outcome.batch})` : ''}\n`);
    const left = outcomes.length - shown.length;
    process.stdout.write(
      `${shown.length} parked message${shown.length === 1 ? '' : 's'} ${options.dryRun ? 'would be put back' : 'put back'}${left ? `; ${left} of other batches left parked` : ''}\n`,
    );
  }
  return outcomes;
}
