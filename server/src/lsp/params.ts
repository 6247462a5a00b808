/**
 * The shape of the params of every request the server answers, checked before any handler
 * sees them. A client that sends `{"selection": 42}` gets JSON-RPC's InvalidParams (-32602)
 * with a message naming the field, not an InternalError carrying a TypeError from deep inside
 * a feature. Only what the handlers read is checked; extra fields are allowed, as LSP grows.
 */
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  ErrorCodes,
  HoverRequest,
  InitializeRequest,
  ReferencesRequest,
  ResponseError,
  WorkspaceSymbolRequest,
} from "vscode-languageserver";
import {
  AssetDetailsRequest,
  CancelRunRequest,
  ImpactDownstreamRequest,
  ImpactHighlightsRequest,
  ImpactOwnersRequest,
  ImpactRequest,
  ImpactSummaryRequest,
  LineageRequest,
  LocateAssetRequest,
  MaterializeRequest,
  RecentRunsRequest,
  RunChecksRequest,
  RunDetailsRequest,
  StatusRequest,
} from "../../../protocol";

/** Why `value` does not fit, or undefined when it does; `path` names it for the message. */
type Shape = (value: unknown, path: string) => string | undefined;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string"
    ? "a string"
    : typeof value === "object"
      ? "an object"
      : `${typeof value} ${String(value)}`;
}

const string: Shape = (value, path) =>
  typeof value === "string" ? undefined : `${path} must be a string, got ${describe(value)}`;
const boolean: Shape = (value, path) =>
  typeof value === "boolean" ? undefined : `${path} must be true or false, got ${describe(value)}`;
const anything: Shape = () => undefined;
const uinteger: Shape = (value, path) =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1
    ? undefined
    : `${path} must be a non-negative integer, got ${describe(value)}`;
const integer: Shape = (value, path) =>
  typeof value === "number" && Number.isInteger(value)
    ? undefined
    : `${path} must be an integer, got ${describe(value)}`;

/** Absent (undefined) is fine; anything present must fit `shape`. */
function optional(shape: Shape): Shape {
  return (value, path) => (value === undefined ? undefined : shape(value, path));
}

function nullable(shape: Shape): Shape {
  return (value, path) => (value === null ? undefined : shape(value, path));
}

function arrayOf(shape: Shape): Shape {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array, got ${describe(value)}`;
    for (let index = 0; index < value.length; index += 1) {
      const problem = shape(value[index], `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function object(fields: Readonly<Record<string, Shape>>): Shape {
  return (value, path) => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return `${path} must be an object, got ${describe(value)}`;
    for (const [name, shape] of Object.entries(fields)) {
      const problem = shape((value as Record<string, unknown>)[name], `${path}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri: string });
const atPosition = object({ textDocument, position });
const impactParams = optional(nullable(object({ base: optional(string), selection: optional(string) })));
const pageFields = { base: optional(string), offset: optional(uinteger), limit: optional(uinteger) };

/** Params shape per method, for every request the server registers. */
const PARAMS: Readonly<Record<string, Shape>> = {
  [InitializeRequest.method]: object({
    processId: optional(nullable(integer)),
    rootUri: optional(nullable(string)),
    rootPath: optional(nullable(string)),
    workspaceFolders: optional(nullable(arrayOf(object({ uri: string, name: optional(string) })))),
    capabilities: object({}),
    initializationOptions: anything,
  }),
  [DefinitionRequest.method]: atPosition,
  [ReferencesRequest.method]: object({ textDocument, position, context: object({ includeDeclaration: boolean }) }),
  [HoverRequest.method]: atPosition,
  [DocumentSymbolRequest.method]: object({ textDocument }),
  [CodeLensRequest.method]: object({ textDocument }),
  [CodeActionRequest.method]: object({ textDocument, range, context: object({ only: optional(arrayOf(string)) }) }),
  [CompletionRequest.method]: object({
    textDocument,
    position,
    context: optional(object({ triggerKind: optional(integer), triggerCharacter: optional(string) })),
  }),
  [WorkspaceSymbolRequest.method]: object({ query: string }),
  [LineageRequest.method]: optional(nullable(object({ selection: optional(string) }))),
  [StatusRequest.method]: optional(nullable(object({ keys: optional(arrayOf(string)) }))),
  [LocateAssetRequest.method]: object({ key: string }),
  [AssetDetailsRequest.method]: object({ key: string, runs: optional(uinteger) }),
  [MaterializeRequest.method]: object({ selection: string, withUpstream: optional(boolean) }),
  [RunChecksRequest.method]: object({ key: string, check: optional(string) }),
  [CancelRunRequest.method]: object({ runId: string }),
  [ImpactRequest.method]: impactParams,
  [ImpactSummaryRequest.method]: impactParams,
  [ImpactDownstreamRequest.method]: object({ ...pageFields, change: string }),
  [ImpactOwnersRequest.method]: optional(nullable(object(pageFields))),
  [ImpactHighlightsRequest.method]: object({ base: optional(string), keys: arrayOf(string) }),
  [RunDetailsRequest.method]: object({ runId: string }),
  [RecentRunsRequest.method]: optional(nullable(object({ limit: optional(uinteger) }))),
};

/**
 * `params`, typed as the handler expects, once they fit the method's shape; otherwise throws
 * InvalidParams saying which field is wrong.
 */
export function checkedParams<P>(method: string, params: unknown): P {
  const problem = paramsProblem(method, params);
  if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  return params as P;
}

/** What is wrong with a request's params (`method: params.x must be …`), or undefined when they fit. */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const shape = PARAMS[method];
  if (shape === undefined) throw new Error(`no params shape for ${method}: add it to PARAMS in lsp/params.ts`);
  const problem = shape(params, "params");
  return problem === undefined ? undefined : `${method}: ${problem}`;
}
