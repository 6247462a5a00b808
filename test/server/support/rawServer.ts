/**
 * The built language server spoken to byte by byte over stdio: for what a JSON-RPC library
 * would never send (bodies that are not JSON, headers without Content-Length, wrong params),
 * and for running the server as another user (setpriv), which TestClient does not do.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { URI } from "vscode-uri";
import { SERVER_SCRIPT } from "./client";

export interface RawMessage {
  readonly jsonrpc: "2.0";
  readonly id?: number | string | null;
  readonly method?: string;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

export interface RawStartOptions {
  /** Runs the server as `nobody` (setpriv), for permission cases; the caller checks it is root. */
  readonly asNobody?: boolean;
}

export class RawServer {
  readonly received: RawMessage[] = [];
  readonly stderr: string[] = [];
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiters = new Set<() => void>();
  exitCode: number | null | undefined;

  private constructor(readonly process: ChildProcess) {
    process.stdout!.on("data", (chunk: Buffer) => this.onData(chunk));
    process.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    process.on("exit", (code) => {
      this.exitCode = code;
      this.poke();
    });
  }

  static start(cwd: string, options: RawStartOptions = {}): RawServer {
    const command = options.asNobody
      ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, SERVER_SCRIPT, "--stdio"]
      : [process.execPath, SERVER_SCRIPT, "--stdio"];
    return new RawServer(spawn(command[0]!, command.slice(1), { cwd, stdio: ["pipe", "pipe", "pipe"] }));
  }

  /** Writes bytes as they are: the test decides what is framed and how. */
  sendRaw(bytes: string | Buffer): void {
    this.process.stdin!.write(bytes);
  }

  /** Writes one correctly framed message whose body is `body` (any text, JSON or not). */
  sendBody(body: string): void {
    this.sendRaw(`Content-Length: ${Buffer.byteLength(body, "utf8")}\r\n\r\n${body}`);
  }

  send(message: object): void {
    this.sendBody(JSON.stringify(message));
  }

  /** Sends a request; returns its id. */
  request(method: string, params?: unknown): number {
    const id = this.nextId++;
    this.send({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
    return id;
  }

  notify(method: string, params?: unknown): void {
    this.send({ jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }) });
  }

  /** initialize + initialized on `root`; resolves with the initialize response. */
  async initialize(root: string, initializationOptions?: unknown): Promise<RawMessage> {
    const uri = URI.file(root).toString();
    const id = this.request("initialize", {
      processId: null,
      rootUri: uri,
      workspaceFolders: [{ uri, name: "workspace" }],
      capabilities: {},
      initializationOptions,
    });
    const response = await this.response(id);
    this.notify("initialized", {});
    return response;
  }

  /** The response to request `id` (ids of null included: the parse errors). */
  response(id: number | string | null, timeoutMs = 20_000): Promise<RawMessage> {
    return this.waitFor(
      `the response to ${JSON.stringify(id)}`,
      () =>
        this.received.find(
          (message) => message.id === id && message.method === undefined && ("result" in message || "error" in message),
        ),
      timeoutMs,
    );
  }

  /** Resolves with the first message `find` returns, re-checked on every message; fails after `timeoutMs`. */
  waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = find();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.exitCode !== undefined) {
          done();
          reject(new Error(`the server exited (${this.exitCode}) before ${what}\n${this.stderr.join("")}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.stderr.join("")}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Resolves with the exit code once the process has exited. */
  exited(timeoutMs = 20_000): Promise<number | null> {
    return new Promise((resolve, reject) => {
      if (this.exitCode !== undefined) return resolve(this.exitCode);
      const timer = setTimeout(() => reject(new Error(`the server did not exit within ${timeoutMs} ms`)), timeoutMs);
      this.process.once("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  kill(): void {
    if (this.exitCode === undefined) this.process.kill("SIGKILL");
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) break;
      const length = Number(/content-length:\s*(\d+)/i.exec(this.buffer.subarray(0, end).toString("ascii"))?.[1]);
      if (!Number.isInteger(length))
        throw new Error(`the server sent a header without Content-Length: ${this.buffer.toString()}`);
      if (this.buffer.length < end + 4 + length) break;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString("utf8")) as RawMessage;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.received.push(message);
      this.answerServerRequest(message);
    }
    this.poke();
  }

  /** Answers what the server asks a client, as an editor with no settings would. */
  private answerServerRequest(message: RawMessage): void {
    if (message.method === undefined || message.id === undefined || message.id === null) return;
    const result =
      message.method === "workspace/configuration"
        ? (message.params as { items: unknown[] }).items.map(() => ({}))
        : null;
    this.send({ jsonrpc: "2.0", id: message.id, result });
  }

  private poke(): void {
    for (const check of [...this.waiters]) check();
  }
}
