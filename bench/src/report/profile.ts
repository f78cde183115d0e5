/**
 * "Where the time goes": one line per variant, engine and link, every
 * figure from the run (the server's request log, the worker's clock and the
 * probe of cache and IndexedDB puts). No claims beyond the figures.
 */
import type {Engine, Results} from '../types';
import {
  ENGINE_NAMES,
  enginesOf,
  f2,
  mib,
  pct,
  s2,
  signedMib,
  summarize,
  throttleName,
} from './summary';
import type {Summary} from './summary';

/** Where the memory peak was, by process kind (medians; '' before it was measured). */
function memKinds(s: Summary): string {
  const kinds = s.memByKind.filter(([, bytes]) => Math.abs(bytes) >= 8 * 2 ** 20);
  return kinds.length
    ? ` (at the peak: ${kinds.map(([kind, bytes]) => `${kind} ${signedMib(bytes)}`).join(', ')})`
    : '';
}

/** The CPU the browser used over the run, by process kind ('' before it was measured). */
function cpuLine(s: Summary, a?: Summary): string {
  if (!Number.isFinite(s.cpu)) return '';
  const kinds = s.cpuByKind
    .filter(([, ms]) => ms >= 50)
    .map(([kind, ms]) => `${kind} ${s2(ms)}`)
    .join(', ');
  const ratio = a && Number.isFinite(a.cpu) ? ` (${f2(s.cpu / a.cpu)}× A's)` : '';
  return (
    `CPU ${s2(s.cpu)} core-s${ratio}, ${f2(s.cpu / s.time)} cores on average` +
    (kinds ? ` (${kinds}).` : '.')
  );
}

export function profile(r: Results): string[] {
  const out: string[] = [];
  for (const engine of enginesOf(r) as Engine[]) {
    for (const throttle of [null, r.meta.throttle]) {
      const A = r.variants[engine].find((v) => v.key === 'A');
      if (!A) continue;
      const a = summarize(r, engine, throttle, A);
      if (!a.ok) continue;
      out.push(
        '',
        `**${ENGINE_NAMES[engine]}, ${throttleName(throttle)}.** A: ${s2(a.time)} s (${a.speed.toFixed(0)} MB/s); last byte sent at ` +
          `${s2(a.download)} s, in the cache ${Math.round(a.assembly)} ms later. Memory +${mib(a.mem)} MiB median${memKinds(a)}. ${cpuLine(a)}`,
      );
      for (const v of r.variants[engine].filter((x) => x.key !== 'A')) {
        const s = summarize(r, engine, throttle, v);
        if (!s.ok) continue;
        const gap = s.time - a.time;
        const parts = [
          `${v.key}: ${s2(s.time)} s, ${f2(s.ratio)}× A (${gap >= 0 ? '+' : ''}${Math.round(gap)} ms).`,
          `First request after ${Math.round(s.firstRequest)} ms (A: ${Math.round(a.firstRequest)} ms);`,
          `last byte sent at ${s2(s.download)} s (${f2(s.download / a.download)}× A's);`,
          `then ${Math.round(s.assembly)} ms (${pct(s.assembly / s.time)} of the total) until the record is in the cache` +
            (Number.isFinite(s.destPut)
              ? `: ${Math.round(s.preCopy)} ms before the last destination put starts, ${Math.round(s.destPut)} ms in it.`
              : '.'),
        ];
        if (s.chunkWrites) {
          parts.push(
            `${Math.round(s.chunkWrites)} chunk writes, ${Math.round(s.chunkWrite)} ms summed` +
              (Number.isFinite(s.lastChunkAfter)
                ? ` (the last ends ${Math.round(s.lastChunkAfter)} ms after the last byte)`
                : '') +
              `; ${Math.round(s.requests)} request(s)${s.rangeBytes ? ` (median Range ${mib(s.rangeBytes, 1)} MiB)` : ''}; ` +
              `no request open ${Math.round(s.idle)} ms; sent beyond the file without a fault ${mib(s.wasteNoFault, 1)} MiB.` +
              (Number.isFinite(s.chunkReadsBeforeEnd)
                ? ` Stored parts read back: ${Math.round(s.chunkReadsBeforeEnd)} before the last byte, ${Math.round(s.chunkReadsAfterEnd)} after (medians).`
                : ''),
          );
        }
        parts.push(
          `Memory +${mib(s.mem)} MiB median, +${mib(s.memMax)} MiB worst${memKinds(s)}.`,
          cpuLine(s, a),
        );
        out.push(`- ${parts.join(' ')}`);
      }
    }
  }
  return out;
}
