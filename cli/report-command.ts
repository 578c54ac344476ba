import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CsvDialect } from '../shared/report/csv.js';
import type { ReportScope } from '../shared/keys.js';
import { REPORT_FORMATS, type ReportFormat } from '../shared/report/model.js';
import { writeReport } from '../shared/report/report.js';
import { withReportContent } from '../shared/store/reports.js';
import type { DeploymentOptions } from './deployment-options.js';
import { resolveDeployment } from './deployment.js';
import { UsageError } from './files.js';

/** `agreements report`: the extraction report over one batch, one year or everything stored, on demand. */

export interface ReportCommandOptions extends DeploymentOptions {
  batch?: string;
  year?: number;
  format?: ReportFormat;
  csvDialect?: CsvDialect;
  out?: string;
}

/** The format asked for, else the one `--out`'s extension names, else Markdown for a terminal. */
function chooseFormat(options: ReportCommandOptions): ReportFormat {
  if (options.format) return options.format;
  const extension = options.out ? extname(options.out).slice(1).toLowerCase() : '';
  const named = extension === 'markdown' ? 'md' : extension;
  return (REPORT_FORMATS as readonly string[]).includes(named) ? (named as ReportFormat) : 'md';
}

export async function runReport(options: ReportCommandOptions): Promise<void> {
  if (options.batch && options.year !== undefined) throw new UsageError('give --batch or --year, not both');
  const format = chooseFormat(options);
  if (format === 'xlsx' && !options.out && process.stdout.isTTY) throw new UsageError('an xlsx report is a binary file: give --out FILE');
  const deployment = resolveDeployment(options);
  const { records, batches } = await deployment.stores();
  const stores = { s3: deployment.s3(), bucket: deployment.bucket(), records: records(), batches: batches() };
  let scope: ReportScope;
  if (options.batch) {
    if (!(await stores.batches.get(options.batch))) throw new UsageError(`there is no batch "${options.batch}" (agreements status lists them)`);
    scope = { kind: 'batch', batchId: options.batch };
  } else {
    scope = { kind: 'all', ...(options.year !== undefined ? { year: options.year } : {}) };
  }
  await withReportContent(scope, stores, new Date(), async (content) => {
    if (options.out) {
      const file = createWriteStream(options.out);
      const closed = once(file, 'close');
      await writeReport(content, format, file, { csvDialect: options.csvDialect });
      await closed;
      const { totals } = content.summary;
      process.stderr.write(
        `wrote ${options.out}: ${totals.documents} documents (${totals.byStatus.valid} valid, ${totals.byStatus.needs_review} need review, ${totals.byStatus.rejected} rejected)\n`,
      );
    } else {
      // The writer ends the stream it is given; standard output stays open.
      const out = new PassThrough();
      out.pipe(process.stdout, { end: false });
      const drained = once(out, 'end');
      await writeReport(content, format, out, { csvDialect: options.csvDialect });
      await drained;
    }
  });
}
