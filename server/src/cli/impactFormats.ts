import type { ImpactChange, ImpactReport } from "../../../protocol/impact";
import { visible } from "./terminalText";

/** Keys, reasons, owners, paths and refs come from the workspace: shown, never obeyed, one line each. */
const v = (text: string) => visible(text, true);

/** For a terminal: one line per change, then the impacted assets and the owners to tell. */
export function impactText(report: ImpactReport): string {
  const lines = [headline(report)];
  if (report.changes.length === 0 && report.checks.length === 0) return lines.join("\n");
  if (report.changes.length > 0) {
    lines.push("", "Changes:");
    const width = Math.max(...report.changes.map((change) => v(change.key).length));
    for (const change of report.changes) {
      const reasons = change.reasons.length > 0 ? ` [${v(change.reasons.join(", "))}]` : "";
      lines.push(
        `  ${change.change.padEnd(8)} ${v(change.key).padEnd(width)}  ${change.category}${reasons}: ${v(change.why)}` +
          `  (${v(change.file)}:${change.line})`,
      );
    }
  }
  if (report.impacted.length > 0) {
    lines.push("", "Impacted downstream:");
    const width = Math.max(...report.impacted.map((asset) => v(asset.key).length));
    for (const asset of report.impacted) {
      const because = asset.because.map((entry) => `${v(entry.key)}: ${v(entry.why)}`).join("; ");
      const owners = asset.owners.length > 0 ? `  owners: ${v(asset.owners.join(", "))}` : "";
      lines.push(
        `  ${asset.impact.padEnd(8)} ${v(asset.key).padEnd(width)}  (distance ${asset.distance}) ${because}${owners}`,
      );
    }
  }
  if (report.checks.length > 0) {
    lines.push("", "Checks:");
    for (const check of report.checks) lines.push(`  ${check.change.padEnd(8)} ${v(check.asset)}: ${v(check.name)}`);
  }
  if (report.owners.length > 0) lines.push("", `Tell: ${v(report.owners.join(", "))}`);
  return lines.join("\n");
}

/** For a pull request: summary, a table of changes, impacted assets with owners, and a Mermaid graph. */
export function impactMarkdown(report: ImpactReport): string {
  const lines = [
    `### Assetline impact against ${code(report.base.ref)} (${report.base.commit.slice(0, 12)})`,
    "",
    summary(report),
  ];
  if (report.changes.length > 0) {
    lines.push("", "| asset | change | category | reasons | why |", "|---|---|---|---|---|");
    for (const change of report.changes) {
      const key = change.previousKey ? `${code(change.previousKey)} → ${code(change.key)}` : code(change.key);
      lines.push(
        `| ${key} | ${change.change} | ${CATEGORY_MARK[change.category]} ${change.category} ` +
          `| ${change.reasons.join(", ") || "–"} | ${cell(change.why)} |`,
      );
    }
  }
  if (report.impacted.length > 0) {
    lines.push(
      "",
      "**Impacted downstream**",
      "",
      "| asset | impact | distance | because | owners |",
      "|---|---|---|---|---|",
    );
    for (const asset of report.impacted) {
      const because = asset.because.map((entry) => `${code(entry.key)}: ${cell(entry.why)}`).join("<br>");
      lines.push(
        `| ${code(asset.key)} | ${asset.impact === "breaking" ? "🔴 will fail" : "🟡 rebuild"} | ${asset.distance} ` +
          `| ${because} | ${cell(asset.owners.join(", ")) || "–"} |`,
      );
    }
  }
  if (report.checks.length > 0) {
    lines.push("", "**Checks**", "");
    for (const check of report.checks) lines.push(`- ${check.change} ${code(check.name)} on ${code(check.asset)}`);
  }
  if (report.changes.length > 0) lines.push("", "```mermaid", impactMermaid(report), "```");
  if (report.owners.length > 0) lines.push("", `**Owners to notify:** ${report.owners.map(cell).join(", ")}`);
  return lines.join("\n");
}

/** The changed subgraph: changed assets, what they impact, and the edges impact travels along. */
export function impactMermaid(report: ImpactReport): string {
  const ids = new Map<string, string>();
  const id = (key: string) => {
    let found = ids.get(key);
    if (!found) ids.set(key, (found = `n${ids.size}`));
    return found;
  };
  const lines = ["flowchart LR"];
  for (const change of report.changes) {
    const label = change.previousKey ? `${change.previousKey} → ${change.key}` : change.key;
    lines.push(
      `  ${id(change.key)}["${mermaidLabel(`${label}\n${change.change} · ${change.category}`)}"]` +
        `:::${CLASS_OF[change.category]}`,
    );
    if (change.previousKey) ids.set(change.previousKey, id(change.key));
  }
  for (const asset of report.impacted)
    lines.push(
      `  ${id(asset.key)}["${mermaidLabel(asset.key)}"]:::${asset.impact === "breaking" ? "fails" : "rebuild"}`,
    );
  for (const asset of report.impacted)
    for (const because of asset.because) lines.push(`  ${id(because.key)} --> ${id(asset.key)}`);
  lines.push(
    "  classDef breaking fill:#fdd,stroke:#c00",
    "  classDef changed fill:#def,stroke:#36c",
    "  classDef unknown fill:#eee,stroke:#888,stroke-dasharray:3",
    "  classDef fails fill:#fdd,stroke:#c00,stroke-dasharray:3",
    "  classDef rebuild fill:#ffe9c7,stroke:#c80",
  );
  return lines.join("\n");
}

const CATEGORY_MARK: Record<ImpactChange["category"], string> = {
  breaking: "🔴",
  "non-breaking": "🟢",
  metadata: "⚪",
  unknown: "❔",
};
const CLASS_OF: Record<ImpactChange["category"], string> = {
  breaking: "breaking",
  "non-breaking": "changed",
  metadata: "changed",
  unknown: "unknown",
};

function headline(report: ImpactReport): string {
  const against = `against ${v(report.base.ref)} (${report.base.commit.slice(0, 12)})`;
  if (report.changes.length === 0) return `No asset changes ${against}.`;
  return `Impact ${against}: ${summary(report).replace(/\*\*/g, "")}`;
}

function summary(report: ImpactReport): string {
  if (report.changes.length === 0) return "No asset changes.";
  const byCategory = new Map<string, number>();
  for (const change of report.changes) byCategory.set(change.category, (byCategory.get(change.category) ?? 0) + 1);
  const categories = ["breaking", "non-breaking", "metadata", "unknown"]
    .filter((c) => byCategory.has(c))
    .map((c) => `${byCategory.get(c)} ${c}`);
  const failing = report.impacted.filter((asset) => asset.impact === "breaking").length;
  const impacted =
    report.impacted.length === 0
      ? "nothing downstream impacted"
      : `**${count(report.impacted.length, "impacted asset")}** ` +
        `(${failing} will fail, ${report.impacted.length - failing} to rebuild)`;
  return `**${count(report.changes.length, "change")}** (${categories.join(", ")}), ${impacted}`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Inline code that survives backticks in keys. */
function code(text: string): string {
  const shown = v(text);
  return shown.includes("`") ? `<code>${html(shown)}</code>` : `\`${shown}\``;
}

/** A table cell: pipes and newlines would end the cell or the table. */
function cell(text: string): string {
  return html(visible(text)).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Mermaid quoted-label text: quotes and angle brackets as entity codes, newlines as breaks. */
function mermaidLabel(text: string): string {
  return visible(text)
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\n/g, "<br/>");
}
