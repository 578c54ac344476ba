import { readdirSync, readFileSync } from 'node:fs';

/**
 * The resident memory of a process and all its descendants together, sampled from /proc: what a run of
 * the CLI costs the machine, reader processes included. Linux only.
 */

function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name, in parentheses, may itself hold spaces and parentheses: the fields follow the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while the table was read.
    }
  }
  return parents;
}

function residentBytes(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The process and its descendants. */
export function processTree(root: number): number[] {
  const parents = parentsByPid();
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

export interface TreeMemory {
  /** Highest sum of the tree's resident memory seen at one sample. */
  peakBytes: number;
  /** Most processes seen in the tree at one sample. */
  peakProcesses: number;
  stop(): TreeMemory;
}

/** Samples the tree of `root` every `intervalMs` until `stop()`; the tree is listed anew every tenth sample. */
export function sampleTreeMemory(root: number, intervalMs = 10): TreeMemory {
  let tree = [root];
  let samples = 0;
  const result: TreeMemory = {
    peakBytes: 0,
    peakProcesses: 0,
    stop: () => {
      clearInterval(timer);
      return result;
    },
  };
  const timer = setInterval(() => {
    if (samples++ % 10 === 0) tree = processTree(root);
    const total = tree.reduce((sum, pid) => sum + residentBytes(pid), 0);
    result.peakBytes = Math.max(result.peakBytes, total);
    result.peakProcesses = Math.max(result.peakProcesses, tree.length);
  }, intervalMs);
  return result;
}
