/*
  Samples the memory (PSS, from /proc/<pid>/smaps_rollup) and the CPU time
  used so far (utime + stime, /proc/<pid>/stat) of a browser's processes
  every ~100 ms in a worker thread: reading /proc on the main thread would
  stall the test server, which runs there. Both are summed by process kind
  (kindOf() in the thread's code), with this Node process (the test server)
  as 'server'; a process that exits takes its CPU time with it.

  The thread is given the browser's pids (EngineSession.processIds()) and
  adds their new descendants once a second, so a process the browser starts
  mid-download counts too.
*/
import {Worker} from 'node:worker_threads';

const THREAD = `
const {parentPort} = require('node:worker_threads');
const fs = require('node:fs');
let pids = new Set();
let timer = null;
let samples = [];
let lastScan = 0;
function ppidOf(pid) {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch { return -1; }
}
function scan() {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(d)) continue;
    const pid = Number(d);
    if (!pids.has(pid) && pids.has(ppidOf(pid))) pids.add(pid);
  }
}
const kinds = new Map();
const TICK_MS = 1000 / 100; // USER_HZ
function kindOf(pid) {
  let kind = kinds.get(pid);
  if (kind) return kind;
  // Chromium rewrites its children's command line into one string: look
  // for the flags in the text, not in argv.
  let text = '';
  try { text = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').replace(/\\0/g, ' ').trim(); } catch {}
  const words = text.split(' ');
  const exe = words[0].split('/').pop();
  const type = (/--type=(\\S+)/.exec(text) || [])[1];
  const sub = (/--utility-sub-type=(\\S+)/.exec(text) || [])[1];
  if (/^WebKit\\w*Process$/.test(exe)) kind = exe.replace(/^WebKit|Process$/g, '').toLowerCase();
  else if (words.includes('-contentproc')) kind = words[words.length - 1];
  else if (type) kind = (sub || type).replace(/\\.mojom\\.\\w+$/, '');
  else kind = /chrom|firefox|MiniBrowser/.test(exe) ? 'browser' : exe;
  kinds.set(pid, kind);
  return kind;
}
function cpuMs(pid) {
  const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
function measure() {
  let sum = 0;
  const cpu = {};
  const mem = {};
  for (const pid of pids) {
    try {
      const txt = fs.readFileSync('/proc/' + pid + '/smaps_rollup', 'utf8');
      const m = /^Pss:\\s+(\\d+)/m.exec(txt);
      const kind = kindOf(pid);
      if (m) {
        const bytes = Number(m[1]) * 1024;
        sum += bytes;
        mem[kind] = (mem[kind] || 0) + bytes;
      }
      cpu[kind] = (cpu[kind] || 0) + cpuMs(pid);
    } catch { pids.delete(pid); }
  }
  const own = process.cpuUsage();
  cpu.server = (own.user + own.system) / 1000;
  return [sum, cpu, mem];
}
function tick() {
  const now = Date.now();
  if (now - lastScan > 1000) { scan(); lastScan = now; }
  const [sum, cpu, mem] = measure();
  samples.push([now, sum, cpu, mem]);
}
parentPort.on('message', (msg) => {
  if (msg.type === 'start') {
    pids = new Set(msg.pids);
    samples = [];
    lastScan = 0;
    tick();
    clearInterval(timer);
    timer = setInterval(tick, msg.intervalMs);
  } else if (msg.type === 'stop') {
    clearInterval(timer);
    timer = null;
    tick();
    parentPort.postMessage(samples);
  } else if (msg.type === 'exit') {
    clearInterval(timer);
    process.exit(0);
  }
});
`;

/**
 * One sample: `[Date.now(), summed PSS in bytes, CPU time used so far in ms
 * by process kind, PSS in bytes by process kind]`. Kinds: Chromium's
 * `--type` or utility sub-type (`renderer`, `network`, …); Firefox's content
 * process type (`tab`, `socket`, …); WebKitGTK's `web`, `network`; `browser`
 * for the main process; `server` for the benchmark's own Node process (CPU
 * only).
 */
export type MemorySample = [number, number, Record<string, number>, Record<string, number>];

/** Samples the PSS and CPU time of a set of processes in a worker thread. */
export class MemorySampler {
  private readonly worker = new Worker(THREAD, {eval: true});

  constructor() {
    this.worker.unref();
  }

  /** Starts sampling `pids` (and their future children) every `intervalMs`. */
  start(pids: number[], intervalMs = 100): void {
    this.worker.postMessage({type: 'start', pids, intervalMs});
  }

  /** Stops sampling and returns the samples taken since `start()`. */
  stop(): Promise<MemorySample[]> {
    return new Promise((resolve) => {
      this.worker.once('message', (samples: MemorySample[]) => resolve(samples));
      this.worker.postMessage({type: 'stop'});
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({type: 'exit'});
    await new Promise((resolve) => this.worker.once('exit', resolve));
  }
}
