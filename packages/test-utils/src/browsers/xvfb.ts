/** A private X server for WebKitGTK (it needs a display even when nothing is shown). */
import {type ChildProcess, spawn} from 'node:child_process';
import {BINARIES, requireBinary} from './binaries';

/**
 * Starts Xvfb on a free display (`-displayfd`) and resolves with the process
 * and its `DISPLAY` value. `track(pid)` is called as soon as the process
 * exists, so a failed start is still killed with the session.
 */
export async function startXvfb(
  track: (pid: number) => void,
): Promise<{proc: ChildProcess; display: string}> {
  requireBinary(BINARIES.xvfb, 'Xvfb');
  const proc = spawn(
    BINARIES.xvfb,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'],
    {stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true},
  );
  if (proc.pid) track(proc.pid);
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`Xvfb did not start: ${stderr}`)), 15_000);
    proc.stdio[3]!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(t);
        resolve(`:${out.trim()}`);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`Xvfb exited with ${code}: ${stderr}`));
    });
  });
  proc.removeAllListeners('exit');
  proc.unref();
  return {proc, display};
}
