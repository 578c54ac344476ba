import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgreementRecord } from '../schema/record.js';
import type { ReportContent, ReportDigest, ReportEntry, ReportInput, ReviewItem } from './model.js';
import { digestOf, reportedRecord, summarize } from './report.js';

/**
 * The documents of a report as they were read, kept in a temporary file rather than in memory: each
 * entry (record and review text) is appended as it arrives, and only its digest and where it lies in the
 * file stay in memory. Every format then reads the documents back in the report's order, all from the
 * same reading, so that the formats agree even when a record changes while the report is written.
 */
export class ReportSnapshot {
  private readonly digests = new Map<string, { digest: ReportDigest; offset: number; length: number }>();
  private size = 0;

  private constructor(
    private readonly directory: string,
    private readonly file: FileHandle,
  ) {}

  static async create(): Promise<ReportSnapshot> {
    const directory = await mkdtemp(join(tmpdir(), 'report-'));
    return new ReportSnapshot(directory, await open(join(directory, 'entries.jsonl'), 'w+'));
  }

  get documents(): number {
    return this.digests.size;
  }

  /** Adds a document; one added twice counts once, as last added. */
  async add(entry: ReportEntry): Promise<void> {
    const bytes = Buffer.from(`${JSON.stringify({ record: reportedRecord(entry.record), text: entry.text })}\n`);
    await this.file.write(bytes, 0, bytes.length, this.size);
    this.digests.set(entry.record.documentId, { digest: digestOf(entry), offset: this.size, length: bytes.length });
    this.size += bytes.length;
  }

  /** The report over what was added. */
  content(input: Omit<ReportInput, 'entries'>): ReportContent {
    const { summary, order } = summarize(input, [...this.digests.values()].map((stored) => stored.digest));
    const read = async (documentId: string): Promise<{ record: AgreementRecord; text?: string }> => {
      const { offset, length } = this.digests.get(documentId)!;
      const buffer = Buffer.alloc(length);
      await this.file.read(buffer, 0, length, offset);
      return JSON.parse(buffer.toString('utf8'));
    };
    return {
      summary,
      documents: async function* () {
        for (const digest of order) yield (await read(digest.documentId)).record;
      },
      review: async function* () {
        for (const item of summary.review) {
          const { text } = await read(item.documentId);
          yield (text ? { ...item, text } : item) satisfies ReviewItem;
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.file.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
