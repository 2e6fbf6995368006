// Where the CPU went during a phase (Linux /proc): CPU seconds used by each part of the stack and
// the machine's busy share, so a result says what saturated. Best effort: elsewhere it reports nothing.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Machine {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** utime + stime of a process in ticks, or undefined when it is gone or /proc is missing. */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Groups of the shared stack, recognised by process name. */
function infraGroup(pid: number): string | undefined {
  const comm = commOf(pid);
  if (comm === undefined) return undefined;
  if (comm.startsWith('secantusd')) return 'secantusdb';
  if (comm === 'mongod') return 'mongod';
  if (comm.startsWith('redis-server')) return 'redis';
  if (comm === 'java' && /kafka/i.test(cmdlineOf(pid))) return 'kafka';
  return undefined;
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  perGroup: Map<string, number>;
  perPid: Map<number, { group: string; ticks: number }>;
  machine?: { busy: number; total: number };
}

/** Our own processes by name (load generator = this process) plus the infra found in /proc. */
export function snapshot(own: Record<string, number | undefined>): CpuSnapshot {
  const perPid = new Map<number, { group: string; ticks: number }>();
  for (const [group, pid] of Object.entries(own)) {
    if (pid === undefined) continue;
    const ticks = processTicks(pid);
    if (ticks !== undefined) perPid.set(pid, { group, ticks });
  }
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    entries = [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (perPid.has(pid)) continue;
    const group = infraGroup(pid);
    if (!group) continue;
    const ticks = processTicks(pid);
    if (ticks !== undefined) perPid.set(pid, { group, ticks });
  }
  const perGroup = new Map<string, number>();
  for (const { group, ticks } of perPid.values()) perGroup.set(group, (perGroup.get(group) ?? 0) + ticks);
  const m = machineTicks();
  return { perGroup, perPid, ...(m ? { machine: m } : {}) };
}

export interface CpuUsage {
  /** CPU seconds per group over the phase (processes alive at both ends, plus new ones from zero). */
  seconds: Record<string, number>;
  /** Share of all cores busy over the phase (1 = every core saturated). */
  machineBusy?: number;
  /** CPU seconds of everything else on the machine (other work, the kernel), from /proc/stat. */
  otherSeconds?: number;
  /** 1-minute load average at the end of the phase. */
  loadAverage: number;
}

export function usageBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUsage {
  const seconds: Record<string, number> = {};
  for (const [pid, after] of b.perPid) {
    const before = a.perPid.get(pid)?.ticks ?? 0;
    seconds[after.group] = (seconds[after.group] ?? 0) + (after.ticks - before) / TICKS_PER_SECOND;
  }
  const ours = Object.values(seconds).reduce((x, y) => x + y, 0);
  for (const k of Object.keys(seconds)) seconds[k] = +(seconds[k] as number).toFixed(2);
  const m =
    a.machine && b.machine && b.machine.total > a.machine.total ? { a: a.machine, b: b.machine } : undefined;
  const busy = m ? (m.b.busy - m.a.busy) / (m.b.total - m.a.total) : undefined;
  const other = m ? Math.max(0, (m.b.busy - m.a.busy) / TICKS_PER_SECOND - ours) : undefined;
  return {
    seconds,
    ...(busy !== undefined ? { machineBusy: +busy.toFixed(3) } : {}),
    ...(other !== undefined ? { otherSeconds: +other.toFixed(2) } : {}),
    loadAverage: +(loadavg()[0] ?? 0).toFixed(2),
  };
}
