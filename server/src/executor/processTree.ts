/**
 * Killing everything a step started. Workers are spawned `detached`, so each leads its own
 * process group and `kill(-pid)` reaches the grandchildren user code spawned. A grandchild
 * that left the group (`setsid`, `detached: true`) is still found by walking the parent
 * links before the kill, as long as it has not already been re-parented.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** SIGKILLs the process group led by `pid` and every descendant of `pid`; never throws. */
export function killProcessTree(pid: number): void {
  if (process.platform === "win32") {
    // No process groups on Windows; taskkill walks the tree itself.
    try {
      execFileSync("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore" });
    } catch {
      signal(pid);
    }
    return;
  }
  // Walk first: once the leader dies its children are re-parented and the links are lost.
  const descendants = listDescendants(pid);
  signal(-pid);
  signal(pid);
  for (const child of descendants) signal(child);
}

/** True while `pid` exists and is not a zombie (exited, but not yet reaped by its parent). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  if (process.platform !== "linux") return true;
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.state !== "Z";
  } catch {
    return false;
  }
}

/** Every process below `pid` in the parent tree, nearest first. */
export function listDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentLinks()) {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(target: number): void {
  try {
    process.kill(target, "SIGKILL");
  } catch {
    // Already gone (ESRCH), or not ours to kill (EPERM): nothing more to do either way.
  }
}

/** [pid, ppid] of every visible process. */
function parentLinks(): Array<[number, number]> {
  if (process.platform === "linux") {
    const links: Array<[number, number]> = [];
    let entries: string[];
    try {
      entries = readdirSync("/proc");
    } catch {
      return [];
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = parseStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
        if (stat) links.push([Number(entry), stat.ppid]);
      } catch {
        // The process exited between readdir and read.
      }
    }
    return links;
  }
  if (process.platform === "win32") return [];
  try {
    const output = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
    return output
      .split("\n")
      .map((line) => line.trim().split(/\s+/).map(Number))
      .filter((pair): pair is [number, number] => pair.length === 2 && pair.every(Number.isInteger));
  } catch {
    return [];
  }
}

/** The state and parent of a /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
function parseStat(text: string): { state: string; ppid: number } | undefined {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(fields[1]);
  return fields[0] && Number.isInteger(ppid) ? { state: fields[0], ppid } : undefined;
}
