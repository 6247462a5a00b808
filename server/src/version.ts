/**
 * The engine's version, from package.json: esbuild inlines just this field into each bundle,
 * so the version the server and the CLI report can never drift from the package's.
 */
import { version } from "../../package.json";

export const ENGINE_VERSION: string = version;
