/**
 * Turns the user's TypeScript modules into CommonJS bundles a worker can `require`.
 *
 * One bundle per module that defines selected assets or checks, in `.assetline/build/`
 * inside the workspace so that the user's own packages (kept external) resolve from the
 * workspace's node_modules. The `assetline` import is aliased to this engine's SDK, so the
 * definitions a worker loads are the ones it understands. A bundle's file name carries the
 * hash of its content: a worker that already required an older version never sees a stale
 * module, and unchanged inputs (checked by content hash) are never rebuilt.
 *
 * The manifest keys a bundle's inputs by workspace-relative path and content hash, so a
 * workspace copied with its `.assetline/` folder checks its own files, never the original's.
 * Each bundle carries the code versions of its module's definitions computed from the very
 * bytes esbuild read (see bundledVersions.ts): that is the version a run records.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, extname, isAbsolute, join, relative, resolve } from "node:path";
import * as esbuild from "esbuild";
import { ENGINE_VERSION } from "../version";
import { BundledVersions, type CodeVersions } from "./bundledVersions";

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
  /** Workspace-relative input path ("/"-separated) → sha1 of the content the bundle was built from. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Engine, esbuild and SDK: a new engine must not reuse an old engine's bundles (or versions). */
  readonly recipe: string;
  /** The code versions of the module's definitions, computed from those inputs. */
  readonly codeVersions: CodeVersions;
}

/** A built user module. */
export interface Bundle {
  /** Absolute path of the CommonJS bundle. */
  readonly path: string;
  /** Step id → the code version of exactly what this bundle runs. */
  readonly codeVersions: CodeVersions;
}

/** esbuild loaders for the sources the bundler reads itself (to know the exact bytes built). */
const LOADERS: Readonly<Record<string, esbuild.Loader>> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".json": "json",
};
/** Bump when the manifest's meaning changes: older entries are rebuilt, never misread. */
const MANIFEST_FORMAT = 2;

type Manifest = Record<string, ManifestEntry>;

/** Raised when a user module does not compile; the message is esbuild's, with file and line. */
export class BundleError extends Error {}

/** Builds (or reuses) one bundle per user module. */
export class Bundler {
  private readonly outDir: string;
  private readonly recipe: string;
  private manifest: Manifest | undefined;
  /** Concurrent requests for the same file share one build. */
  private readonly inFlight = new Map<string, Promise<Bundle>>();
  private readonly versions: BundledVersions;

  constructor(private readonly options: BundlerOptions) {
    this.outDir = options.outDir ?? join(options.workspaceRoot, ".assetline", "build");
    this.recipe = [
      `manifest ${MANIFEST_FORMAT}`,
      `assetline ${ENGINE_VERSION}`,
      `esbuild ${esbuild.version}`,
      `sdk ${options.sdkPath}`,
    ].join("; ");
    this.versions = new BundledVersions(options.workspaceRoot);
  }

  /** An up-to-date bundle of `file` (workspace-relative or absolute). */
  bundle(file: string): Promise<Bundle> {
    const key = this.relativeKey(file);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.build(key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async build(key: string): Promise<Bundle> {
    const manifest = this.loadManifest();
    const previous = manifest[key];
    if (previous && previous.recipe === this.recipe && this.upToDate(previous)) {
      return { path: join(this.outDir, previous.bundle), codeVersions: previous.codeVersions };
    }
    const read = new Map<string, Buffer>();

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
        plugins: [this.readSources(read)],
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
    const sources = new Map<string, string>();
    for (const input of Object.keys(result.metafile.inputs)) {
      const absolute = resolve(this.options.workspaceRoot, input);
      const path = this.relativeKey(absolute);
      const bytes = read.get(absolute);
      const hash = bytes === undefined ? hashFile(absolute) : sha1(bytes);
      if (hash !== undefined) inputs[path] = hash;
      if (bytes !== undefined && !path.startsWith("../")) sources.set(path, bytes.toString("utf8"));
    }
    const codeVersions = this.versions.of(key, sources);
    manifest[key] = { bundle: bundleName, inputs, recipe: this.recipe, codeVersions };
    writeAtomically(this.manifestPath(), JSON.stringify(manifest));
    // Workers that loaded the old version keep it in memory; on disk it would only pile up.
    if (previous && previous.bundle !== bundleName) rmSync(join(this.outDir, previous.bundle), { force: true });
    return { path: bundlePath, codeVersions };
  }

  /** Loads sources for esbuild from bytes read once, so what is hashed and analysed is what was built. */
  private readSources(read: Map<string, Buffer>): esbuild.Plugin {
    return {
      name: "assetline-read-sources",
      setup: (build) => {
        build.onLoad({ filter: /\.([mc]?[jt]sx?|json)$/ }, (args) => {
          const loader = LOADERS[extname(args.path)];
          if (args.namespace !== "file" || loader === undefined) return undefined;
          const bytes = readFileSync(args.path);
          read.set(args.path, bytes);
          return { contents: bytes, loader };
        });
      },
    };
  }

  /** Every input still has the content the bundle was built from, read in this workspace. */
  private upToDate(entry: ManifestEntry): boolean {
    if (entry.codeVersions === undefined || !existsSync(join(this.outDir, entry.bundle))) return false;
    const root = this.options.workspaceRoot;
    return Object.entries(entry.inputs).every(
      ([path, hash]) => !isAbsolute(path) && hashFile(resolve(root, path)) === hash,
    );
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
    const at = message.location
      ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: `
      : "";
    return `${at}${message.text}`;
  });
  return `could not build ${key}:\n${lines.join("\n")}`;
}
