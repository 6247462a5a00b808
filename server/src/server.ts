/**
 * The Assetline language server. Speaks LSP over whatever transport the client chose on the
 * command line (--stdio, --node-ipc, --socket=N, --pipe=NAME): VS Code is its first client,
 * but nothing here is VS Code-specific.
 */
import "./v8Flags";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startSession } from "./lsp/session";

startSession(createConnection(ProposedFeatures.all));
