import { readdirSync, readFileSync } from 'node:fs';

/**
 * What the pipeline's functions cost as the local emulator runs them: ministack starts each function
 * instance as a process of its own (`…/ministack-lambda-<function name>-…/_worker.js`) under the
 * emulator's process. Every few hundred milliseconds the sampler reads, from /proc, each instance's
 * resident memory together with the processes it started, and keeps each function's peak: of one
 * instance (what one Lambda's memory size must hold) and of all its instances at once. A process's own
 * high-water mark (VmHWM) catches a peak between two samples. It also adds up the CPU time each
 * function's instances used, and the emulator's own (S3, DynamoDB, SQS and the pollers, in Python):
 * where a run's time went.
 */

export interface FunctionMemory {
  /** The most one instance held, with its child processes, in MB. */
  peakInstanceMb: number;
  /** The most all instances of the function held at the same moment, in MB. */
  peakAllInstancesMb: number;
  /** Instances seen. */
  instances: number;
  /** CPU time all its instances (and their child processes) used while sampled, in seconds. */
  cpuSeconds: number;
}

export interface EmulatorUsage {
  functions: Record<string, FunctionMemory>;
  /** CPU time of the emulator's own process while sampled, in seconds. */
  emulatorCpuSeconds: number;
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  rssKb: number;
  hwmKb: number;
  /** User and system time, in clock ticks. */
  cpuTicks: number;
  cmdline: string;
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times. */
const TICKS_PER_SECOND = 100;

function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const field = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      // The fields after the command's name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const times = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({
        pid: Number(name),
        ppid: field('PPid'),
        rssKb: field('VmRSS'),
        hwmKb: field('VmHWM'),
        cpuTicks: Number(times[11]) + Number(times[12]),
        cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' '),
      });
    } catch {
      // The process ended while it was read.
    }
  }
  return found;
}

/** `ZielvereinbarungenPipeline-Ingest4069586C-47ED92E4BA07E` → `Ingest`; CDK's own custom-resource handlers are not ours and are left out. */
const functionName = (cmdline: string) => /ministack-lambda-ZielvereinbarungenPipeline-([A-Z][A-Za-z]+?)[0-9A-F]{8}-[0-9A-F]{13}-/.exec(cmdline)?.[1];

export class FunctionMemorySampler {
  private readonly peaks = new Map<string, Omit<FunctionMemory, 'cpuSeconds'> & { pids: Set<number> }>();
  /** Per process seen: its CPU ticks at the first sample and at the last. */
  private readonly cpu = new Map<number, { function?: string; first: number; last: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emulatorPid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.sample();
    // Processes already running count from now on: what they used before is not this run's.
    for (const usage of this.cpu.values()) usage.first = usage.last;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): EmulatorUsage {
    clearInterval(this.timer);
    this.sample();
    const ticks = new Map<string, number>();
    let emulatorTicks = 0;
    for (const [pid, usage] of this.cpu) {
      if (pid === this.emulatorPid) emulatorTicks = usage.last - usage.first;
      else if (usage.function) ticks.set(usage.function, (ticks.get(usage.function) ?? 0) + usage.last - usage.first);
    }
    const functions = Object.fromEntries(
      [...this.peaks]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, { pids: _pids, ...memory }]) => [name, { ...memory, cpuSeconds: Math.round(((ticks.get(name) ?? 0) / TICKS_PER_SECOND) * 10) / 10 }]),
    );
    return { functions, emulatorCpuSeconds: Math.round((emulatorTicks / TICKS_PER_SECOND) * 10) / 10 };
  }

  private sample(): void {
    const all = processes();
    const children = new Map<number, ProcessInfo[]>();
    for (const process of all) children.set(process.ppid, [...(children.get(process.ppid) ?? []), process]);
    const treeOf = (root: ProcessInfo): ProcessInfo[] => [root, ...(children.get(root.pid) ?? []).flatMap(treeOf)];
    const emulator = all.find((process) => process.pid === this.emulatorPid);
    if (!emulator) return;
    this.count(emulator.pid, emulator.cpuTicks);
    const total = new Map<string, number>();
    for (const worker of treeOf(emulator).filter((process) => process.cmdline.includes('ministack-lambda-'))) {
      const name = functionName(worker.cmdline);
      if (!name) continue;
      const tree = treeOf(worker);
      for (const process of tree) this.count(process.pid, process.cpuTicks, name);
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

  private count(pid: number, ticks: number, function_?: string): void {
    const usage = this.cpu.get(pid);
    if (usage) usage.last = ticks;
    // A process first seen after the start used all its time in this run.
    else this.cpu.set(pid, { ...(function_ ? { function: function_ } : {}), first: this.timer ? 0 : ticks, last: ticks });
  }
}
