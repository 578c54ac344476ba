#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { ocrModeSchema } from '../shared/config.js';
import { CSV_DIALECTS } from '../shared/report/csv.js';
import { REPORT_FORMATS, TEXTRACT_PRICE_PER_1000_PAGES_USD } from '../shared/report/model.js';
import { recordStatusSchema } from '../shared/schema/record.js';
import { addDeploymentOptions } from './deployment-options.js';
import { reportFailure } from './errors.js';
import type { runExtract } from './extract-command.js';
import type { runRedrive } from './redrive-command.js';
import type { runReport } from './report-command.js';
import type { runReprocess } from './reprocess-command.js';
import type { runReviewAccept, runReviewList, runReviewReject } from './review-command.js';
import type { ServeOptions } from './review-serve-command.js';
import type { runStatus } from './status-command.js';
import type { runUpload } from './upload-command.js';
import { DEFAULT_PART_SIZE, DEFAULT_RETRIES, DEFAULT_UPLOAD_CONCURRENCY } from './upload/defaults.js';
import { MiB } from './upload/digest.js';

/*
 * Each command's module is loaded when the command runs, not before: the AWS SDK's clients, exceljs and
 * pdf.js take longer to load than a digital agreement takes to read, and most commands need one of them.
 */

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return parsed;
}

function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || value.trim() === '') throw new InvalidArgumentError('must be a number of at least 0');
  return parsed;
}

const collect = (value: string, previous: string[]) => [...previous, value];

// Whoever reads the output may stop early (`agreements extract … --json | head`): what they did not read
// is not wanted, which is no failure, so the command ends there, quietly, as Unix filters do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const program = new Command()
  .name('agreements')
  .description('Reads signed Hessian Zielvereinbarungen (PDF, digital or scanned) into validated records.')
  .option('--debug', 'on failure, show the stack as well as the one-line reason', false)
  .showHelpAfterError();

program
  .command('extract')
  .description('extract records from PDF files or folders of them (folders are searched for *.pdf), in this process')
  .argument('<paths...>', 'PDF files or folders')
  .option('--json', 'print one record per line (JSON Lines) instead of a table', false)
  .addOption(new Option('--ocr <mode>', 'when to read pages by OCR').choices(ocrModeSchema.options).default('auto'))
  .option(
    '--concurrency <n>',
    'documents read at once, each by a reader process of its own (with --ocr auto, digital documents first, then those with pages for OCR; default: 2 at a time, then 1; 2 with --ocr never, 1 with --ocr always)',
    positiveInteger,
  )
  .action(async (paths: string[], options: Parameters<typeof runExtract>[1]) => {
    const { runExtract } = await import('./extract-command.js');
    await runExtract(paths, options);
  });

addDeploymentOptions(
  program
    .command('upload')
    .description('upload PDFs (folders are searched recursively) to the deployed pipeline as one batch; a second run of the same batch skips what arrived')
    .argument('<paths...>', 'PDF files or folders')
    .option('--batch <name>', 'batch name (default: upload-<UTC date-time>)')
    .option('--concurrency <n>', `files uploaded at once (default: ${DEFAULT_UPLOAD_CONCURRENCY})`)
    .option('--part-size <MiB>', `files larger than this go in parts of this size, at least 5 (default: ${DEFAULT_PART_SIZE / MiB})`)
    .option('--retries <n>', `further attempts after a network error, a 5xx or throttling (default: ${DEFAULT_RETRIES})`)
    .option('--json', 'print the result as JSON instead of a summary', false),
).action(async (paths: string[], options: Parameters<typeof runUpload>[1]) => {
  const { runUpload } = await import('./upload-command.js');
  await runUpload(paths, options);
});

addDeploymentOptions(
  program
    .command('status')
    .description('where upload batches stand: expected, processed, valid, needs_review, rejected, report')
    .option('--batch <id>', 'one batch (default: all of them)')
    .option('--watch', 'refresh until every shown batch has its report', false)
    .option('--interval <seconds>', 'seconds between refreshes with --watch', positiveInteger, 2)
    .option('--textract-price <usd>', 'Textract\'s price per 1,000 pages the OCR cost is estimated at', nonNegativeNumber, TEXTRACT_PRICE_PER_1000_PAGES_USD)
    .option('--json', 'one JSON object per batch', false),
).action(async (options: Parameters<typeof runStatus>[0]) => {
  const { runStatus } = await import('./status-command.js');
  await runStatus(options);
});

addDeploymentOptions(
  program
    .command('report')
    .description('the extraction report over one batch, one budget year or everything stored')
    .option('--batch <id>', 'the documents of one upload batch')
    .option('--year <year>', 'the agreements of one budget year', positiveInteger)
    .addOption(new Option('--format <format>', 'output format (default: from --out, else md)').choices(REPORT_FORMATS))
    .addOption(
      new Option('--csv-dialect <dialect>', 'CSV for German Excel (";" and a decimal comma) or RFC 4180 ("," and a decimal point)').choices(CSV_DIALECTS).default('excel-de'),
    )
    .option('--out <file>', 'write to this file instead of standard output'),
).action(async (options: Parameters<typeof runReport>[0]) => {
  const { runReport } = await import('./report-command.js');
  await runReport(options);
});

const review = program.command('review').description('the records that need a human look, and accepting them');
addDeploymentOptions(review.command('list').description('the review queue: documents that need review or were rejected, with the reasons').option('--json', 'one JSON object per document', false)).action(
  async (options: Parameters<typeof runReviewList>[0]) => {
    const { runReviewList } = await import('./review-command.js');
    await runReviewList(options);
  },
);
addDeploymentOptions(
  review
    .command('accept')
    .description('correct fields and mark the record valid; the extractor\'s record and an audit entry are kept, the batch\'s report is written again')
    .argument('<documentId>', 'sha256:<hex>, or the first hex digits shown by review list')
    .option('--set <path=value>', 'a correction, e.g. agreement.budgetYear=2025, "agreement.amount=1.018.910 Euro" or agreement.signatures[1].date=2.8.2025 (repeatable)', collect, [])
    .option('--by <name>', 'who accepts (default: the OS user)'),
).action(async (documentId: string, options: Parameters<typeof runReviewAccept>[1]) => {
  const { runReviewAccept } = await import('./review-command.js');
  await runReviewAccept(documentId, options);
});
addDeploymentOptions(
  review
    .command('reject')
    .description('mark the record rejected, with the reason; the extractor\'s record and an audit entry are kept, the batch\'s report is written again')
    .argument('<documentId>', 'sha256:<hex>, or the first hex digits shown by review list')
    .requiredOption('--reason <text>', 'why the document is rejected, e.g. "Entwurf, nicht unterschrieben"')
    .option('--by <name>', 'who rejects (default: the OS user)'),
).action(async (documentId: string, options: Parameters<typeof runReviewReject>[1]) => {
  const { runReviewReject } = await import('./review-command.js');
  await runReviewReject(documentId, options);
});

addDeploymentOptions(
  review
    .command('serve')
    .description('the review web app on 127.0.0.1: the queue, each PDF beside its fields with the evidence highlighted, corrections, accept and reject; prints the address to open first')
    .option('--port <n>', 'port to listen on (default: a free one)', (value: string) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be a port number (0–65535)');
      return port;
    }, 0)
    .option('--open', 'open the address in the desktop\'s browser', false),
).action(async (options: ServeOptions) => {
  const { runReviewServe } = await import('./review-serve-command.js');
  await runReviewServe(options);
});

addDeploymentOptions(
  program
    .command('reprocess')
    .description('run the current extractor again on stored PDFs and print what changed (records accepted in review are kept)')
    .option('--all', 'every stored document', false)
    .addOption(new Option('--status <status>', 'the documents with this status (of the batch, with --batch)').choices(recordStatusSchema.options))
    .option('--batch <id>', 'the documents of one upload batch')
    .option('--dry-run', 'print what would change, store nothing, start no Textract job (scans that would need one are listed as kept)', false)
    .addOption(new Option('--ocr <mode>', 'when to read pages by OCR').choices(ocrModeSchema.options).default('auto'))
    .option('--json', 'one JSON object per document', false),
).action(async (options: Parameters<typeof runReprocess>[0]) => {
  const { runReprocess } = await import('./reprocess-command.js');
  const outcomes = await runReprocess(options);
  if (outcomes.some((outcome) => outcome.kind === 'failed' || outcome.kind === 'conflict')) process.exitCode = 1;
});

addDeploymentOptions(
  program
    .command('redrive')
    .description('after a fix, put the messages parked in the dead-letter queues back, so that their documents are read again')
    .option('--batch <id>', 'only the messages of one upload batch')
    .option('--dry-run', 'list what would be put back, move nothing', false)
    .option('--json', 'one JSON object per message', false),
).action(async (options: Parameters<typeof runRedrive>[0]) => {
  const { runRedrive } = await import('./redrive-command.js');
  await runRedrive(options);
});

try {
  await program.parseAsync();
} catch (error) {
  const { exitCode, text } = reportFailure(error, { debug: program.opts<{ debug: boolean }>().debug });
  process.stderr.write(text);
  process.exitCode = exitCode;
}
