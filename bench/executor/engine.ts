// The parts of the engine the executor benchmark drives, bundled by run.mjs as they ship.
export { Executor, planRun } from "../../server/src/executor";
export { AssetGraph } from "../../server/src/model/graph";
export { EventStore, SqliteHistory, storePath } from "../../server/src/store";
export { WorkerPool } from "../../server/src/executor/workerPool";
