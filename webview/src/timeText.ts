/** How the panel writes times and durations. */

/** "2026-12-01 09:14 (3 h ago)": absolute for the record, relative to read at a glance. */
export function timeOf(epochMs: number | undefined, now: number): string | undefined {
  if (epochMs === undefined) return undefined;
  return `${stampOf(epochMs)} (${ago(now - epochMs)})`;
}

/** "2026-12-02 06:04 (in 8 h)": a time expected later (a past one reads "now"). */
export function expectedTimeOf(epochMs: number, now: number): string {
  const minutes = Math.floor((epochMs - now) / 60_000);
  const wait =
    minutes < 1
      ? "now"
      : minutes < 60
        ? `in ${minutes} min`
        : minutes < 48 * 60
          ? `in ${Math.floor(minutes / 60)} h`
          : `in ${Math.floor(minutes / 1440)} days`;
  return `${stampOf(epochMs)} (${wait})`;
}

function stampOf(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function ago(ms: number): string {
  if (ms < 0) return "in the future";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** "850 ms", "12.3 s", "4 min 5 s". */
export function durationOf(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
