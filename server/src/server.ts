/**
 * The Assetline language server. Speaks LSP over whatever transport the client chose on the
 * command line (--stdio, --node-ipc, --socket=N, --pipe=NAME): VS Code is its first client,
 * but nothing here is VS Code-specific.
 */
import "./v8Flags";
import { format } from "node:util";
import {
  type Connection,
  createConnection,
  InitializeRequest,
  ProposedFeatures,
  type ResponseMessage,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver/node";
import { ConformantFraming } from "./lsp/framing";
import { paramsProblem } from "./lsp/params";
import { startSession } from "./lsp/session";

startSession(process.argv.includes("--stdio") ? stdioConnection() : createConnection(ProposedFeatures.all));

/**
 * Over stdio, messages pass through ConformantFraming first (JSON-RPC parse errors, recovery
 * from broken headers). Its error responses go through the connection's own writer, which
 * serialises writes: the writer awaits between a header and its body, so a second writer
 * could land in between. Handing createConnection a reader and writer skips what it does for
 * `--stdio` itself, so this also exits when stdin ends and routes the console to the client
 * (a stray console.log on stdout would corrupt the stream).
 */
function stdioConnection(): Connection {
  const writer = new StreamMessageWriter(process.stdout);
  const framing = new ConformantFraming({
    respond: (response) => void writer.write(response as ResponseMessage).catch(() => undefined),
    log: (message) => connection.console.warn(message),
    paramsProblem: (method, params) =>
      method === InitializeRequest.method ? paramsProblem(method, params) : undefined,
  });
  process.stdin.pipe(framing);
  const exit = (): never => process.exit(framing.shutdownRequested ? 0 : 1);
  // After the framing has passed on everything stdin held.
  framing.on("end", exit);
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(framing), writer);
  const remote = connection.console;
  console.log = (...args: unknown[]) => remote.log(format(...args));
  console.info = (...args: unknown[]) => remote.info(format(...args));
  console.warn = (...args: unknown[]) => remote.warn(format(...args));
  console.error = (...args: unknown[]) => remote.error(format(...args));
  console.debug = (...args: unknown[]) => remote.log(format(...args));
  return connection;
}
