/**
 * A conformant front for the stdio transport. vscode-jsonrpc's reader answers nothing to a
 * body that is not JSON (JSON-RPC wants -32700), and a header block without Content-Length
 * leaves it unable to find where the next message starts: every later header is read as part
 * of the broken one, so the server cannot answer anything, not even `exit`, until stdin closes
 * (its maintainers chose to stop reading there: vscode-languageserver-node PR #871).
 *
 * This stream sits between stdin and that reader. It frames messages itself, forwards each
 * well-formed one unchanged, answers a body that is not JSON with ParseError (-32700) and one
 * that is not a JSON-RPC message with InvalidRequest (-32600), and after a header without a
 * usable Content-Length skips to the next `Content-Length:` header, so the session goes on.
 */
import { Transform, type TransformCallback } from "node:stream";

/** JSON-RPC 2.0's codes for what the transport itself cannot accept. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

const HEADER_END = Buffer.from("\r\n\r\n", "ascii");
/**
 * Where a message can start again: a Content-Length header line. JSON cannot hold a raw CR LF,
 * so this cannot match inside a body, only at a real header.
 */
const RESYNC = /content-length[ \t]*:[ \t]*\d+[ \t]*\r\n/i;
/** A header block longer than this without its blank line is not a header: resynchronise. */
const MAX_HEADER_BYTES = 8 * 1024;

/** Sends a JSON-RPC error response for a message the connection never sees. */
export type ErrorResponder = (response: {
  jsonrpc: "2.0";
  id: number | string | null;
  error: { code: number; message: string };
}) => void;

export interface FramingOptions {
  /** Sends a JSON-RPC error response for a message the connection never sees. */
  readonly respond: ErrorResponder;
  readonly log: (message: string) => void;
  /**
   * What is wrong with a request's params, for requests the library reads before any handler
   * of ours runs (`initialize`: it reads `capabilities` itself); undefined when they fit.
   */
  readonly paramsProblem: (method: string, params: unknown) => string | undefined;
}

export class ConformantFraming extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** True once a `shutdown` request passed: an end of input after it is an orderly exit. */
  shutdownRequested = false;
  /** The body length of the message being read; undefined while reading headers. */
  private bodyLength: number | undefined;
  /** True after a broken header, until the next Content-Length header is found. */
  private resyncing = false;

  constructor(private readonly options: FramingOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.drain();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private drain(): void {
    for (;;) {
      if (this.resyncing && !this.resync()) return;
      if (this.bodyLength === undefined) {
        const end = this.buffer.indexOf(HEADER_END);
        if (end < 0) {
          if (this.buffer.length <= MAX_HEADER_BYTES) return;
          // Past its first byte, so that resynchronising cannot find this same header again.
          this.buffer = this.buffer.subarray(1);
          this.broken("a header block without its terminating blank line");
          continue;
        }
        const length = contentLength(this.buffer.subarray(0, end).toString("ascii"));
        if (length === undefined) {
          this.buffer = this.buffer.subarray(end + HEADER_END.length);
          this.broken("a message header without a valid Content-Length");
          continue;
        }
        this.buffer = this.buffer.subarray(end + HEADER_END.length);
        this.bodyLength = length;
      }
      if (this.buffer.length < this.bodyLength) return;
      const body = this.buffer.subarray(0, this.bodyLength);
      this.buffer = this.buffer.subarray(this.bodyLength);
      this.bodyLength = undefined;
      this.deliver(body);
    }
  }

  /** Checks a body and forwards it with a fresh header, or answers it with an error. */
  private deliver(body: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString("utf8"));
    } catch (error) {
      this.options.respond({
        jsonrpc: "2.0",
        id: null,
        error: {
          code: PARSE_ERROR,
          message: `Parse error: the message body is not JSON (${(error as Error).message})`,
        },
      });
      return;
    }
    const problem = invalidMessage(message);
    if (problem !== undefined) {
      const id = (message as { id?: unknown } | null)?.id;
      this.options.respond({
        jsonrpc: "2.0",
        id: typeof id === "number" || typeof id === "string" ? id : null,
        error: { code: INVALID_REQUEST, message: `Invalid Request: ${problem}` },
      });
      return;
    }
    const { method, id, params } = message as { method?: string; id?: number | string | null; params?: unknown };
    if (method !== undefined && id !== undefined && id !== null) {
      const wrong = this.options.paramsProblem(method, params);
      if (wrong !== undefined) {
        this.options.respond({ jsonrpc: "2.0", id, error: { code: INVALID_PARAMS, message: wrong } });
        return;
      }
    }
    if (method === "shutdown") this.shutdownRequested = true;
    this.push(Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"));
    this.push(body);
  }

  private broken(what: string): void {
    this.options.log(`Assetline: received ${what}; skipping to the next message`);
    this.options.respond({ jsonrpc: "2.0", id: null, error: { code: PARSE_ERROR, message: `Parse error: ${what}` } });
    this.resyncing = true;
  }

  /** Drops bytes up to the next Content-Length header; false when it has not arrived yet. */
  private resync(): boolean {
    // latin1 maps bytes 1:1 to characters, so string offsets are buffer offsets.
    const match = RESYNC.exec(this.buffer.toString("latin1"));
    if (match === null) {
      // Keep a tail that may be the start of a header split across chunks.
      if (this.buffer.length > 64) this.buffer = this.buffer.subarray(this.buffer.length - 64);
      return false;
    }
    this.buffer = this.buffer.subarray(match.index);
    this.resyncing = false;
    return true;
  }
}

/** The Content-Length of a header block, or undefined when it has none that is a byte count. */
function contentLength(headers: string): number | undefined {
  for (const line of headers.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
    const value = line.slice(colon + 1).trim();
    return /^\d+$/.test(value) ? Number(value) : undefined;
  }
  return undefined;
}

/** Why a parsed body is not a request, notification or response; undefined when it is one. */
function invalidMessage(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return Array.isArray(message) ? "batches are not part of LSP" : "a message must be a JSON object";
  }
  const fields = message as Record<string, unknown>;
  if (fields.jsonrpc !== "2.0") return 'a message needs "jsonrpc": "2.0"';
  const id = fields.id;
  if (id !== undefined && id !== null && typeof id !== "number" && typeof id !== "string")
    return "id must be a number or a string";
  if (typeof fields.method === "string") return undefined;
  if (fields.method !== undefined) return "method must be a string";
  if (id !== undefined && ("result" in fields || "error" in fields)) return undefined;
  return "a message needs a method (request, notification) or a result or error (response)";
}
