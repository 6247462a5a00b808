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
  /** `webview.asWebviewUri` of dist/webview/lineage.js, lineage.css and layout-worker.js. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly workerUri: string;
}

/** A random nonce: 32 alphanumerics, as the CSP spec's base64 grammar accepts. */
export function makeNonce(random: (size: number) => Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(random(32), (byte) => alphabet[byte % alphabet.length]).join("");
}

/**
 * The Content-Security-Policy: nothing but this panel's nonced script and style sheet, and its
 * layout worker from the panel's own files (no `blob:`, no `data:`, no eval).
 */
export function lineageCsp({ cspSource, nonce }: Pick<LineagePageResources, "cspSource" | "nonce">): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `worker-src ${cspSource}`,
  ].join("; ");
}

export function lineageHtml(resources: LineagePageResources): string {
  const { nonce, scriptUri, styleUri, workerUri } = resources;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attribute(lineageCsp(resources))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta name="assetline-layout-worker" content="${attribute(workerUri)}">
  <link rel="stylesheet" nonce="${attribute(nonce)}" href="${attribute(styleUri)}">
  <title>Assetline lineage</title>
</head>
<body>
  <header>
    <form id="scope" role="search">
      <input id="selection" type="text" spellcheck="false" autocomplete="off" aria-label="Selection"
        placeholder="+orders+, group:marts, owner:team:x" title="A selection, as the CLI's --select takes it (Enter to show)">
      <label title="Levels upstream of the focused asset">↑ <input id="upstream" type="number" min="0" max="99" aria-label="Upstream depth"></label>
      <label title="Levels downstream of the focused asset">↓ <input id="downstream" type="number" min="0" max="99" aria-label="Downstream depth"></label>
      <button id="show-all" type="button" title="The whole graph">Show all</button>
      <label title="Focus the asset under the cursor of the active editor"><input id="follow" type="checkbox"> Follow editor</label>
    </form>
    <div id="zoom" role="group" aria-label="Zoom">
      <button id="zoom-out" type="button" title="Zoom out (−)" aria-label="Zoom out">−</button>
      <button id="zoom-in" type="button" title="Zoom in (+)" aria-label="Zoom in">+</button>
      <button id="fit" type="button" title="Fit to view (0)">Fit</button>
    </div>
    <span id="summary">Loading the asset graph…</span>
    <ul id="legend" aria-label="Status colours"></ul>
  </header>
  <div id="notice" role="status" hidden></div>
  <div id="large" role="alert" hidden>
    <span id="large-text"></span>
    <button id="large-group" type="button">Group by group</button>
    <button id="large-all" type="button">Lay out every asset</button>
  </div>
  <main id="body">
    <div id="canvas">
      <svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Asset lineage" tabindex="0"><g id="layer"></g></svg>
      <svg id="minimap" class="hidden" xmlns="http://www.w3.org/2000/svg" aria-label="Overview: click to move the view"></svg>
    </div>
    <aside id="details" aria-label="Asset details" hidden></aside>
  </main>
  <div id="menu" hidden></div>
  <script nonce="${attribute(nonce)}" src="${attribute(scriptUri)}"></script>
</body>
</html>`;
}

/** The URIs come from VS Code, but escaping costs nothing and keeps the page well-formed. */
function attribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
