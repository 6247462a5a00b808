/**
 * Test helpers for the store suites: real SQLite files in a fresh temp dir, and child Node
 * processes that load the TypeScript store through tsx (no mocks, no in-memory databases).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Absolute path of the store's public module, for children started elsewhere. */
export const STORE_MODULE = resolve(__dirname, "../../../server/src/store/index.ts");
const TSX_CJS = require.resolve("tsx/cjs");

export interface TempStore {
  readonly dir: string;
  readonly dbPath: string;
  cleanup(): void;
}

/** A fresh directory holding `.assetline/assetline.db` (not yet created). */
export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), "assetline-store-"));
  return {
    dir,
    dbPath: join(dir, ".assetline", "assetline.db"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts `node` with tsx loaded, so `args` may run or require TypeScript. */
export function spawnNode(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--require", TSX_CJS, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
}

/** Resolves with the first stdout line matching `pattern` (rejects if the child exits first). */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffer = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stderr: ${stderr}`)), timeoutMs);
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n")) {
        if (pattern.test(line)) {
          clearTimeout(timer);
          resolvePromise(line);
          return;
        }
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before ${pattern}; stderr: ${stderr}`));
    });
  });
}

/** Resolves with the exit code and output once the child ends. */
export function waitForExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** Resolves once `fact` holds, checking every 50 ms; rejects after `timeoutMs`, naming `what`. */
export async function waitUntil(fact: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fact())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
