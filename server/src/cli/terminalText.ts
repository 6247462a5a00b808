/**
 * Text that reaches a terminal. Keys, check names, descriptions, error messages and captured
 * logs come from the workspace and from user code, and a terminal obeys what it is sent:
 * ESC sequences clear the screen or set the title, C1 controls do the same on some terminals,
 * carriage returns overwrite what was printed, and bidi overrides reorder what the user reads.
 * Every text the CLI prints goes through `visible`, which shows those characters as escapes
 * (`\x1b`, `\u202e`) instead of letting the terminal act on them. JSON output is not text: it
 * goes out as JSON.stringify wrote it, for programs to read.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls, and the Unicode format characters that
 * reorder or hide text: bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F,
 * U+202A–E, U+2066–9), line/paragraph separators (U+2028/9).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, plus tab and newline: for values that must stay on one line (keys, cells). */
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_INLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The visible escape of one character: `\x1b` below U+0100, `\u202e` above. */
export function escapeCharacter(character: string): string {
  const code = character.charCodeAt(0);
  if (code === 0x0a) return "\\n";
  if (code === 0x09) return "\\t";
  if (code === 0x0d) return "\\r";
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every control and bidi character shown as an escape. Newlines and tabs are kept
 * unless `inline` is set (then they are escaped too, so one value cannot fake a second line).
 */
export function visible(text: string, inline = false): string {
  return text.replace(inline ? UNSAFE_INLINE : UNSAFE, escapeCharacter);
}

/** Writes text to a terminal (or a pipe that ends in one): `visible`, multi-line. */
export function writeText(stream: NodeJS.WritableStream, text: string): void {
  stream.write(visible(text));
}

/** Writes a JSON document, unchanged: JSON.stringify escapes C0 controls, and programs read the rest. */
export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
