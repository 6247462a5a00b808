import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { GitError, gitEnv, NEUTRAL_CONFIG } from "./gitCommand";

interface Pending {
  readonly id: string;
  readonly resolve: (text: string | undefined) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Blob contents from ONE long-lived `git cat-file --batch` process: a revision's files are
 * read by writing their object ids to its stdin, never by spawning git per file. Answers
 * arrive in request order, so a FIFO of pending requests pairs them up.
 */
export class BlobReader {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;
  private closed = false;

  constructor(cwd: string) {
    this.process = spawn("git", [...NEUTRAL_CONFIG, "cat-file", "--batch"], {
      cwd,
      stdio: ["pipe", "pipe", "pipe"],
      env: gitEnv(),
    });
    this.process.on("error", (error: NodeJS.ErrnoException) => {
      this.fail(
        error.code === "ENOENT"
          ? new GitError(
              "git-missing",
              "git is not installed or not on PATH; impact analysis reads the base revision with git",
            )
          : new GitError("failed", `git cat-file failed: ${error.message}`),
      );
    });
    this.process.on("exit", (code) => {
      if (!this.closed)
        this.fail(new GitError("failed", `git cat-file exited unexpectedly (code ${code ?? "signal"})`));
    });
    this.process.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    // EPIPE after the process died is reported through "exit"/"error" above.
    this.process.stdin.on("error", () => undefined);
  }

  /** The text of a blob, or undefined when the object is missing. */
  read(id: string): Promise<string | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ id, resolve, reject });
      this.process.stdin.write(`${id}\n`);
    });
  }

  /** Reads several blobs in one stream of requests; undefined entries are missing objects. */
  readAll(ids: readonly string[]): Promise<Array<string | undefined>> {
    return Promise.all(ids.map((id) => this.read(id)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.process.stdin.end();
    for (const request of this.pending.splice(0)) request.reject(new GitError("failed", "git cat-file was closed"));
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const request = this.pending[0];
      if (!request) return;
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.toString("utf8", 0, newline);
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        request.resolve(undefined);
        continue;
      }
      const size = Number(header.slice(header.lastIndexOf(" ") + 1));
      // Header, content, and the newline git writes after it.
      if (this.buffer.length < newline + 1 + size + 1) return;
      const text = this.buffer.toString("utf8", newline + 1, newline + 1 + size);
      this.buffer = this.buffer.subarray(newline + 1 + size + 1);
      this.pending.shift();
      request.resolve(text);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.splice(0)) request.reject(this.failure);
  }
}
