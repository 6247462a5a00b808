/**
 * Turns the user's TypeScript modules into CommonJS bundles a worker can `require`.
 *
 * One bundle per module that defines selected assets or checks, in `.assetline/build/`
 * inside the workspace so that the user's own packages (kept external) resolve from the
 * workspace's node_modules. The `assetline` import is aliased to this engine's SDK, so the
 * definitions a worker loads are the ones it understands. A bundle's file name carries the
 * hash of its content: a worker that already required an older version never sees a stale
 * module, and unchanged inputs (checked by content hash) are never rebuilt.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import * as esbuild from "esbuild";

/** Where the bundler writes and what it aliases `assetline` to. */
export interface BundlerOptions {
  readonly workspaceRoot: string;
  /** The SDK module the `assetline` import resolves to (the engine's own). */
  readonly sdkPath: string;
  /** Default `<workspace>/.assetline/build`. */
  readonly outDir?: string;
}

interface ManifestEntry {
  /** Bundle file name inside outDir. */
  readonly bundle: string;
  /** Workspace-relative input path → sha1 of its content when the bundle was built. */
  readonly inputs: Readonly<Record<string, string>>;
  /** esbuild version and SDK path: a new engine must not reuse an old engine's bundles. */
  readonly recipe: string;
}

type Manifest = Record<string, ManifestEntry>;

/** Raised when a user module does not compile; the message is esbuild's, with file and line. */
export class BundleError extends Error {}

/** Builds (or reuses) one bundle per user module. */
export class Bundler {
  private readonly outDir: string;
  private readonly recipe: string;
  private manifest: Manifest | undefined;
  /** Concurrent requests for the same file share one build. */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: BundlerOptions) {
    this.outDir = options.outDir ?? join(options.workspaceRoot, ".assetline", "build");
    this.recipe = `esbuild ${esbuild.version}; sdk ${options.sdkPath}`;
  }

  /** The absolute path of an up-to-date bundle of `file` (workspace-relative or absolute). */
  bundle(file: string): Promise<string> {
    const key = this.relativeKey(file);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.build(key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async build(key: string): Promise<string> {
    const manifest = this.loadManifest();
    const previous = manifest[key];
    if (previous && previous.recipe === this.recipe && this.upToDate(previous)) return join(this.outDir, previous.bundle);

    let result: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
      result = await esbuild.build({
        absWorkingDir: this.options.workspaceRoot,
        entryPoints: [key],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node18",
        // The user's packages resolve at run time from the workspace's node_modules, like in their own tests.
        packages: "external",
        alias: { assetline: this.options.sdkPath },
        // Inline maps: the worker enables source maps, and stack traces then name the user's .ts lines.
        sourcemap: "inline",
        sourcesContent: false,
        // Function and class names stay readable in stack traces.
        keepNames: true,
        outdir: this.outDir,
        write: false,
        metafile: true,
        logLevel: "silent",
      });
    } catch (error) {
      throw new BundleError(formatBuildFailure(key, error));
    }
    const output = result.outputFiles.find((file) => file.path.endsWith(".js"));
    if (!output) throw new BundleError(`esbuild produced no JavaScript for ${key}`);
    const bundleName = `${basename(key).replace(/\.[^.]*$/, "")}.${sha1(output.contents).slice(0, 12)}.js`;
    const bundlePath = join(this.outDir, bundleName);
    mkdirSync(this.outDir, { recursive: true });
    if (!existsSync(bundlePath)) writeAtomically(bundlePath, output.contents);

    const inputs: Record<string, string> = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const absolute = resolve(this.options.workspaceRoot, input);
      const hash = hashFile(absolute);
      if (hash !== undefined) inputs[absolute] = hash;
    }
    manifest[key] = { bundle: bundleName, inputs, recipe: this.recipe };
    writeAtomically(this.manifestPath(), JSON.stringify(manifest));
    // Workers that loaded the old version keep it in memory; on disk it would only pile up.
    if (previous && previous.bundle !== bundleName) rmSync(join(this.outDir, previous.bundle), { force: true });
    return bundlePath;
  }

  private upToDate(entry: ManifestEntry): boolean {
    if (!existsSync(join(this.outDir, entry.bundle))) return false;
    return Object.entries(entry.inputs).every(([path, hash]) => hashFile(path) === hash);
  }

  private loadManifest(): Manifest {
    if (this.manifest) return this.manifest;
    try {
      this.manifest = JSON.parse(readFileSync(this.manifestPath(), "utf8")) as Manifest;
    } catch {
      this.manifest = {};
    }
    return this.manifest;
  }

  private manifestPath(): string {
    return join(this.outDir, "manifest.json");
  }

  private relativeKey(file: string): string {
    const absolute = isAbsolute(file) ? file : resolve(this.options.workspaceRoot, file);
    return relative(this.options.workspaceRoot, absolute).split("\\").join("/");
  }
}

function sha1(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

function hashFile(path: string): string | undefined {
  try {
    return sha1(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** Another process (the editor and the CLI share the workspace) may read the file while we write it. */
function writeAtomically(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

function formatBuildFailure(key: string, error: unknown): string {
  const errors = (error as { errors?: esbuild.Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return `could not build ${key}: ${String(error)}`;
  const lines = errors.slice(0, 5).map((message) => {
    const at = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : "";
    return `${at}${message.text}`;
  });
  return `could not build ${key}:\n${lines.join("\n")}`;
}
