import { Worker } from 'node:worker_threads';

/**
 * Stops a reader process the moment its resident memory passes its limit. It runs on a thread of its
 * own, so that it keeps watching while the owner's main thread is busy (decoding a page's pixels, say),
 * and reads each process's resident set from /proc every few milliseconds: a reader growing by 120 MB
 * a second is stopped within a few megabytes of its limit.
 *
 * The table it shares with the owner has one row per reader slot: [pid, limit KiB, KiB at the kill].
 * The watchdog writes the last column before it kills, so the owner knows why a reader died when it
 * sees it exit. Linux only; elsewhere there is no /proc, and only the reader's V8 heap cap remains.
 */

const COLUMNS = 3;
const POLL_MS = 10;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const table = new Int32Array(workerData.table);
const residentKiB = (pid) => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/' + pid + '/status', 'latin1'))?.[1] ?? 0);
setInterval(() => {
  for (let row = 0; row < table.length; row += ${COLUMNS}) {
    const pid = Atomics.load(table, row);
    if (pid === 0) continue;
    let resident;
    try { resident = residentKiB(pid); } catch { continue; }
    if (resident <= Atomics.load(table, row + 1)) continue;
    Atomics.store(table, row + 2, resident);
    Atomics.store(table, row, 0);
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
}, ${POLL_MS});
`;

export class MemoryWatchdog {
  private readonly table: Int32Array;
  private readonly worker: Worker;

  constructor(slots: number) {
    this.table = new Int32Array(new SharedArrayBuffer(slots * COLUMNS * Int32Array.BYTES_PER_ELEMENT));
    this.worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { table: this.table.buffer } });
    // Watching is no reason to keep a process alive.
    this.worker.unref();
  }

  /** Watches the process in `slot` against a limit, forgetting any earlier kill there. */
  watch(slot: number, pid: number, limitBytes: number): void {
    Atomics.store(this.table, slot * COLUMNS + 2, 0);
    Atomics.store(this.table, slot * COLUMNS + 1, Math.floor(limitBytes / 1024));
    Atomics.store(this.table, slot * COLUMNS, pid);
  }

  unwatch(slot: number): void {
    Atomics.store(this.table, slot * COLUMNS, 0);
  }

  /** The resident bytes the process in `slot` had when the watchdog killed it, if it did. */
  killedAt(slot: number): number | undefined {
    const kib = Atomics.load(this.table, slot * COLUMNS + 2);
    return kib > 0 ? kib * 1024 : undefined;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
