/**
 * The lineage panel's page. Static markup only: the graph arrives later by message, never
 * pasted into the page, so the CSP can forbid every inline script and style. No vscode
 * import, so the webview tests load exactly this page in a plain browser.
 */

export interface LineagePageResources {
  /** `webview.cspSource`: the origin the panel's own files are served from. */
  readonly cspSource: string;
  /** Fresh per page load; only elements carrying it may run or style. */
  readonly nonce: string;
  /** `webview.asWebviewUri` of dist/webview/lineage.js and lineage.css. */
  readonly scriptUri: string;
  readonly styleUri: string;
}

/** A random nonce: 32 alphanumerics, as the CSP spec's base64 grammar accepts. */
export function makeNonce(random: (size: number) => Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(random(32), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** The Content-Security-Policy: nothing but this panel's nonced script and style sheet. */
export function lineageCsp({ cspSource, nonce }: Pick<LineagePageResources, "cspSource" | "nonce">): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join("; ");
}

export function lineageHtml(resources: LineagePageResources): string {
  const { nonce, scriptUri, styleUri } = resources;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attribute(lineageCsp(resources))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" nonce="${attribute(nonce)}" href="${attribute(styleUri)}">
  <title>Assetline lineage</title>
</head>
<body>
  <header>
    <span id="summary">Loading the asset graph…</span>
    <ul id="legend" aria-label="Status colours"></ul>
  </header>
  <div id="notice" role="status" hidden></div>
  <div id="canvas"><svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Asset lineage"></svg></div>
  <script nonce="${attribute(nonce)}" src="${attribute(scriptUri)}"></script>
</body>
</html>`;
}

/** The URIs come from VS Code, but escaping costs nothing and keeps the page well-formed. */
function attribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
