#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { ocrModeSchema } from '../shared/config.js';
import { runExtract } from './extract-command.js';
import { UsageError } from './files.js';

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return parsed;
}

const program = new Command()
  .name('agreements')
  .description('Reads signed Hessian Zielvereinbarungen (PDF, digital or scanned) into validated records.')
  .showHelpAfterError();

program
  .command('extract')
  .description('extract records from PDF files or folders of them (folders are searched for *.pdf)')
  .argument('<paths...>', 'PDF files or folders')
  .option('--json', 'print one record per line (JSON Lines) instead of a table', false)
  .addOption(new Option('--ocr <mode>', 'when to read pages by OCR').choices(ocrModeSchema.options).default('auto'))
  .option('--concurrency <n>', 'documents processed at once', positiveInteger, 2)
  .action(async (paths: string[], options: { json: boolean; ocr: 'auto' | 'always' | 'never'; concurrency: number }) => {
    await runExtract(paths, options);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`agreements: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
