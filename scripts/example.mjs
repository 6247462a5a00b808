// The README's first command ends here: build, generate the example's raw data, check the
// definitions, show the graph, materialize everything and print the status table.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const example = join(root, "examples", "jaffle_shop");
const cli = join(root, "bin", "assetline.js");

function step(title, command, args, cwd = root) {
  console.log(
    `\n\u001b[1m▶ ${title}\u001b[0m  (${[command === process.execPath ? "node" : command, ...args].join(" ")})`,
  );
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n${title} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

step("Build", "npm", ["run", "--silent", "build"]);
step("Generate the example's raw data", process.execPath, ["scripts/generate-data.mjs"], example);
step("Check the definitions", process.execPath, [cli, "check", example]);
step("The asset graph", process.execPath, [cli, "graph", example, "--format", "text"]);
step("Materialize every asset and run its checks", process.execPath, [cli, "materialize", "*", "--dir", example]);
step("Status", process.execPath, [cli, "status", "--dir", example]);
console.log(`\nOpen ${example} in VS Code, or try: node bin/assetline.js status --dir ${example} --format json`);
