import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';

/**
 * Text written to a stream in order, waiting whenever the stream behind it is full: a report over ten
 * thousand documents never piles up in memory, whether it goes to a file, to S3 or to a string.
 */
export class TextOutput {
  constructor(private readonly stream: Writable) {}

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }
}

/** Everything a writer writes to a stream, once it has ended the stream. */
export async function collect(write: (stream: Writable) => Promise<void>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(stream, 'end');
  await write(stream);
  await ended;
  return Buffer.concat(chunks);
}
