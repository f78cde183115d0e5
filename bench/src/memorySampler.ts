/*
  Samples the memory (PSS, from /proc/<pid>/smaps_rollup) of a browser's
  processes every ~100 ms in a worker thread: reading /proc on the main
  thread would stall the test server, which runs there.

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
function pss() {
  let sum = 0;
  for (const pid of pids) {
    try {
      const txt = fs.readFileSync('/proc/' + pid + '/smaps_rollup', 'utf8');
      const m = /^Pss:\\s+(\\d+)/m.exec(txt);
      if (m) sum += Number(m[1]) * 1024;
    } catch { pids.delete(pid); }
  }
  return sum;
}
function tick() {
  const now = Date.now();
  if (now - lastScan > 1000) { scan(); lastScan = now; }
  samples.push([now, pss()]);
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

/** One memory sample: `[Date.now(), summed PSS in bytes]`. */
export type MemorySample = [number, number];

/** Samples summed PSS of a set of processes in a worker thread. */
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
