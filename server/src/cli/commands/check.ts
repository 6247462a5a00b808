import type { AnalysisDiagnostic } from "../../model/definitions";
import { analyzeWorkspace } from "../analyze";
import { type Command, formatOption } from "../command";
import { EXIT } from "../errors";
import { writeJson, writeText } from "../terminalText";
import { workspaceWithSources } from "../workspaceDir";

/** `assetline check [DIR]`: diagnostics like a compiler; exit 1 when any is an error. */
export const checkCommand: Command = {
  name: "check",
  usage: "assetline check [DIR] [--format text|json]",
  summary: "Analyse the workspace and report problems (exit 1 on errors)",
  options: { format: { type: "string", short: "f" } },
  run(parsed) {
    const format = formatOption(parsed, ["text", "json"], "text");
    const { dir, reader } = workspaceWithSources(parsed.positionals[0]);
    const snapshot = analyzeWorkspace(dir, reader);
    const diagnostics = snapshot.diagnostics;
    if (format === "json") {
      writeJson(process.stdout, { diagnostics: diagnostics.map(toJson) });
    } else {
      for (const diagnostic of diagnostics) writeText(process.stdout, `${formatText(diagnostic)}\n`);
      const counts = summary(diagnostics, snapshot.files.length, snapshot.assets.length, snapshot.checks.length);
      writeText(process.stdout, `${counts}\n`);
    }
    return diagnostics.some((diagnostic) => diagnostic.severity === "error") ? EXIT.problems : EXIT.ok;
  },
};

function toJson(diagnostic: AnalysisDiagnostic) {
  const { start } = diagnostic.location.range;
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    file: diagnostic.location.file,
    line: start.line + 1,
    column: start.character + 1,
    message: diagnostic.message,
    related: diagnostic.related.map((related) => ({
      file: related.location.file,
      line: related.location.range.start.line + 1,
      column: related.location.range.start.character + 1,
      message: related.message,
    })),
  };
}

/** `path:line:col severity ALxxx message`, the shape editors and CI annotators parse. */
export function formatText(diagnostic: AnalysisDiagnostic): string {
  const { start } = diagnostic.location.range;
  return `${diagnostic.location.file}:${start.line + 1}:${start.character + 1} ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}`;
}

function summary(diagnostics: readonly AnalysisDiagnostic[], files: number, assets: number, checks: number): string {
  const scope = `${files} file${files === 1 ? "" : "s"}, ${assets} asset${assets === 1 ? "" : "s"}, ${checks} check${checks === 1 ? "" : "s"}`;
  if (diagnostics.length === 0) return `No problems (${scope}).`;
  const count = (severity: string) => diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
  return `${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} info (${scope}).`;
}
