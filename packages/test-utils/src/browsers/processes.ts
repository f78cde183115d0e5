/**
 * Process-tree bookkeeping from /proc: every descendant of a browser or
 * driver, killed with SIGKILL (tree and process group) so nothing leaks.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

function readPpid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** The direct children of `ppid`. */
export function childrenOf(ppid: number): number[] {
  return allPids().filter((p) => readPpid(p) === ppid);
}

/** `pid` and all its descendants (from /proc). */
export function processTree(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const p of allPids()) {
    const pp = readPpid(p);
    if (pp === undefined) continue;
    let list = byParent.get(pp);
    if (!list) {
      list = [];
      byParent.set(pp, list);
    }
    list.push(p);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

/** Whether `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILLs each root's process tree (and process group); synchronous. */
export function killTreesSync(roots: number[]): void {
  for (let round = 0; round < 3; round++) {
    const pids = new Set<number>();
    for (const r of roots) for (const p of processTree(r)) pids.add(p);
    for (const p of pids) {
      if (!alive(p)) continue;
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    for (const r of roots) {
      try {
        process.kill(-r, 'SIGKILL');
      } catch {
        // Not a group leader, or gone.
      }
    }
    if (![...pids].some(alive)) break;
  }
}

/** Resolves true once none of `pids` is alive, false after `ms`. */
export async function waitDead(pids: number[], ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pids.some(alive)) return true;
    await sleep(50);
  }
  return !pids.some(alive);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
