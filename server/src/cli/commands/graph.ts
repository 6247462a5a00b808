import { analyzeWorkspace } from "../analyze";
import { type Command, formatOption } from "../command";
import { EXIT } from "../errors";
import { graphDot, graphJson, graphMermaid, graphText } from "../graphFormats";
import { selectedKeys } from "../selection";
import { writeJson, writeText } from "../terminalText";
import { workspaceWithSources } from "../workspaceDir";

/** `assetline graph [DIR]`: the asset graph as JSON, Graphviz, Mermaid or text. */
export const graphCommand: Command = {
  name: "graph",
  usage: "assetline graph [DIR] [--format json|dot|mermaid|text] [--select SELECTION]",
  summary: "Print the asset graph (optionally a selection of it)",
  options: { format: { type: "string", short: "f" }, select: { type: "string", short: "s" } },
  run(parsed) {
    const format = formatOption(parsed, ["json", "dot", "mermaid", "text"], "json");
    const { dir, reader } = workspaceWithSources(parsed.positionals[0]);
    const snapshot = analyzeWorkspace(dir, reader);
    const graph = snapshot.graph;
    let order = graph.toposort().filter((key) => !graph.isPlaceholder(key));
    const selectionText = parsed.values.select;
    if (typeof selectionText === "string") {
      order = selectedKeys(snapshot, selectionText, dir);
    }
    if (format === "json") {
      writeJson(process.stdout, graphJson(snapshot, new Set(order)));
      return EXIT.ok;
    }
    const output =
      format === "dot"
        ? graphDot(snapshot, order)
        : format === "mermaid"
          ? graphMermaid(snapshot, order)
          : graphText(snapshot, order);
    writeText(process.stdout, `${output}\n`);
    return EXIT.ok;
  },
};
