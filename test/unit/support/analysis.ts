import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeDirectory, type AnalysisSnapshot } from "../../../server/src/analysis";
import type { AnalysisDiagnostic, SourceLocation } from "../../../server/src/model/definitions";

export const FIXTURES = join(__dirname, "..", "..", "fixtures");

/** Analyses `test/fixtures/<name>` as a workspace. */
export function analyzeFixture(name: string): AnalysisSnapshot {
  return analyzeDirectory(join(FIXTURES, name));
}

/** The source text a location covers, read from the fixture (so ranges are checked exactly). */
export function textAt(root: string, location: SourceLocation): string {
  const lines = readFileSync(join(root, location.file), "utf8").split("\n");
  const { start, end } = location.range;
  if (start.line === end.line) return lines[start.line]!.slice(start.character, end.character);
  return [
    lines[start.line]!.slice(start.character),
    ...lines.slice(start.line + 1, end.line),
    lines[end.line]!.slice(0, end.character),
  ].join("\n");
}

export function fixtureText(name: string, location: SourceLocation): string {
  return textAt(join(FIXTURES, name), location);
}

export function withCode(snapshot: AnalysisSnapshot, code: string): AnalysisDiagnostic[] {
  return snapshot.diagnostics.filter((diagnostic) => diagnostic.code === code);
}

/** A scratch copy of a fixture (or an empty folder) removed after the test. */
export function scratchWorkspace(fixture?: string): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), "assetline-analysis-"));
  if (fixture) cpSync(join(FIXTURES, fixture), root, { recursive: true });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
