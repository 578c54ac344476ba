import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * SHA-256 of a file as S3 checks it: of the whole file for a single PutObject, and per part for a
 * multipart upload, whose composite S3 reports back as base64(SHA-256 of the parts' digests)-<parts>.
 */

export const MiB = 1024 * 1024;
/** S3's smallest part (all but the last) and largest number of parts of a multipart upload. */
export const MIN_PART_SIZE = 5 * MiB;
const MAX_PARTS = 10_000;

export interface FileDigest {
  bytes: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  sha256Base64: string;
  /** For a multipart upload: S3's composite checksum, base64(SHA-256 of the parts' digests)-<parts>. */
  composite?: string;
}

/** The part size used for a file: the one asked for, or larger when the file would need more than 10,000 parts. */
export const effectivePartSize = (bytes: number, partSize: number) => Math.max(partSize, Math.ceil(bytes / MAX_PARTS));

/** SHA-256 of a stream of bytes, whole and per part of `partSize` bytes (the parts S3 will check). */
export class StreamDigest {
  private readonly whole = createHash('sha256');
  private part = createHash('sha256');
  private partFill = 0;
  private readonly partDigests: Buffer[] = [];
  bytes = 0;

  constructor(private readonly partSize: number) {}

  update(chunk: Buffer) {
    this.whole.update(chunk);
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partSize - this.partFill, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.partFill += take;
      offset += take;
      if (this.partFill === this.partSize) {
        this.partDigests.push(this.part.digest());
        this.part = createHash('sha256');
        this.partFill = 0;
      }
    }
  }

  digest(): FileDigest {
    const whole = this.whole.digest();
    if (this.partFill > 0 || this.partDigests.length === 0) this.partDigests.push(this.part.digest());
    const parts = this.partDigests.length;
    return {
      bytes: this.bytes,
      sha256: whole.toString('hex'),
      sha256Base64: whole.toString('base64'),
      composite: parts > 1 ? `${createHash('sha256').update(Buffer.concat(this.partDigests)).digest('base64')}-${parts}` : undefined,
    };
  }
}

/** Hashes a file as it streams past (never the whole file in memory). */
export async function hashFile(path: string, partSize: number): Promise<FileDigest> {
  const { size } = await stat(path);
  const digest = new StreamDigest(effectivePartSize(size, partSize));
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) digest.update(chunk as Buffer);
  return digest.digest();
}
