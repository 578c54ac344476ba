import { readdirSync, readFileSync } from 'node:fs';

/**
 * The memory of the pipeline's functions as the local emulator runs them: ministack starts each function
 * instance as a process of its own (`…/ministack-lambda-<function name>-…/_worker.js`) under the
 * emulator's process. Every few hundred milliseconds the sampler reads, from /proc, the resident memory
 * of each instance together with the processes it started, and keeps each function's peak: of one
 * instance (what one Lambda's memory size must hold) and of all its instances at once. A process's own
 * high-water mark (VmHWM) catches a peak between two samples.
 */

export interface FunctionMemory {
  /** The most one instance held, with its child processes, in MB. */
  peakInstanceMb: number;
  /** The most all instances of the function held at the same moment, in MB. */
  peakAllInstancesMb: number;
  /** Instances seen. */
  instances: number;
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  rssKb: number;
  hwmKb: number;
  cmdline: string;
}

function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const field = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      found.push({ pid: Number(name), ppid: field('PPid'), rssKb: field('VmRSS'), hwmKb: field('VmHWM'), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // The process ended while it was read.
    }
  }
  return found;
}

/** `ZielvereinbarungenPipeline-Ingest4069586C-47ED92E4BA07E` → `Ingest`; CDK's own custom-resource handlers are not ours and are left out. */
const functionName = (cmdline: string) => /ministack-lambda-ZielvereinbarungenPipeline-([A-Z][A-Za-z]+?)[0-9A-F]{8}-[0-9A-F]{13}-/.exec(cmdline)?.[1];

export class FunctionMemorySampler {
  private readonly peaks = new Map<string, FunctionMemory & { pids: Set<number> }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emulatorPid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): Record<string, FunctionMemory> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries([...this.peaks].sort(([a], [b]) => a.localeCompare(b)).map(([name, { pids: _pids, ...memory }]) => [name, memory]));
  }

  private sample(): void {
    const all = processes();
    const children = new Map<number, ProcessInfo[]>();
    for (const process of all) children.set(process.ppid, [...(children.get(process.ppid) ?? []), process]);
    const treeOf = (root: ProcessInfo): ProcessInfo[] => [root, ...(children.get(root.pid) ?? []).flatMap(treeOf)];
    const underEmulator = treeOf(all.find((process) => process.pid === this.emulatorPid) ?? { pid: this.emulatorPid, ppid: 0, rssKb: 0, hwmKb: 0, cmdline: '' });
    const total = new Map<string, number>();
    for (const worker of underEmulator.filter((process) => process.cmdline.includes('ministack-lambda-'))) {
      const name = functionName(worker.cmdline);
      if (!name) continue;
      const tree = treeOf(worker);
      const instanceMb = Math.max(tree.reduce((sum, process) => sum + process.rssKb, 0), worker.hwmKb) / 1024;
      const peak = this.peaks.get(name) ?? { peakInstanceMb: 0, peakAllInstancesMb: 0, instances: 0, pids: new Set<number>() };
      peak.pids.add(worker.pid);
      peak.instances = peak.pids.size;
      peak.peakInstanceMb = Math.max(peak.peakInstanceMb, Math.round(instanceMb));
      this.peaks.set(name, peak);
      total.set(name, (total.get(name) ?? 0) + instanceMb);
    }
    for (const [name, sum] of total) {
      const peak = this.peaks.get(name)!;
      peak.peakAllInstancesMb = Math.max(peak.peakAllInstancesMb, Math.round(sum));
    }
  }
}
