/**
 * Facts about processes that run ownership and crash recovery rely on: run ids, whether a pid
 * is alive, and when a process started (to notice a pid the OS has since reused).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";

/** Milliseconds of clock tick on Linux (USER_HZ is 100 on every mainstream kernel build). */
const MS_PER_TICK = 10;

/**
 * A sortable unique run id: 9 base-36 digits of epoch ms (sortable until the year 5188) then
 * 6 random base-36 digits, e.g. `0mi8k2f3a-k7x2k9`. Short enough to type in `assetline logs`.
 */
export function newRunId(nowMs: number): string {
  const time = Math.max(0, Math.floor(nowMs)).toString(36).padStart(9, "0");
  const bytes = randomBytes(6);
  let random = "";
  for (const byte of bytes) random += (byte % 36).toString(36);
  return `${time}-${random}`;
}

/** True when a process with this pid exists on this host (EPERM means it exists but isn't ours). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

let bootTimeMs: number | undefined | null = null;

function linuxBootTimeMs(): number | undefined {
  if (bootTimeMs !== null) return bootTimeMs;
  try {
    const match = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
    bootTimeMs = match ? Number(match[1]) * 1000 : undefined;
  } catch {
    bootTimeMs = undefined;
  }
  return bootTimeMs;
}

/**
 * When the process started (epoch ms, ±1 s), or undefined where the OS does not tell us
 * cheaply (non-Linux, or the process is gone). Recorded with each run, and compared again at
 * recovery: a different start time means the pid now belongs to someone else.
 */
export function processStartTime(pid: number): number | undefined {
  if (pid === process.pid) return Math.round(Date.now() - process.uptime() * 1000);
  const boot = linuxBootTimeMs();
  if (boot === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]); // field 22 overall: starttime in clock ticks since boot
    return Number.isFinite(ticks) ? boot + ticks * MS_PER_TICK : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the run's owner still runs: alive, and (when both are known) the same process. */
export function ownerStillRunning(pid: number, recordedStart: number | null): boolean {
  if (!isProcessAlive(pid)) return false;
  if (recordedStart === null) return true;
  const start = processStartTime(pid);
  // 2 s tolerance: /proc start times and process.uptime() are computed differently.
  return start === undefined || Math.abs(start - recordedStart) <= 2000;
}

/**
 * The OS user of this process, as a run's "started by": the login name, else $USER / $USERNAME
 * (containers without a passwd entry for the uid make userInfo() throw), else "uid <n>".
 */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? `uid ${process.getuid?.() ?? "?"}`;
  }
}
