/**
 * The typed boundary between the Assetline language server and its clients (the VS Code
 * extension, the lineage webview, any other LSP client). No vscode, no Node-only APIs.
 */
export * from "./assetDetails";
export * from "./commands";
export * from "./impact";
export * from "./lineage";
export * from "./links";
export * from "./methods";
export * from "./runs";
export * from "./settings";
export * from "./status";
