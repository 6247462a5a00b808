/**
 * The `ctx.warehouse` of each task: the configured PostgreSQL warehouse, or the embedded
 * SQLite one. Clients live as long as the worker, one per target, so a step reuses the
 * connection the previous step on this worker opened.
 */
import type { WarehouseClient } from "../../../../sdk";
import type { WorkerTask } from "../workerMessages";
import { PostgresWarehouseClient } from "./postgresWarehouse";
import { SqliteWarehouseClient } from "./sqliteWarehouse";

const clients = new Map<string, WarehouseClient>();
const postgresClients = new Set<PostgresWarehouseClient>();

/** The warehouse client for `task`'s configured warehouse, created on first use. */
export function warehouseClient(task: WorkerTask): WarehouseClient {
  const target = task.warehouse;
  const key = target.kind === "postgres" ? `postgres:${target.url}` : `sqlite:${task.warehousePath}`;
  let client = clients.get(key);
  if (client === undefined) {
    if (target.kind === "postgres") {
      const postgres = new PostgresWarehouseClient(target.url, target.from);
      postgresClients.add(postgres);
      client = postgres;
    } else {
      client = new SqliteWarehouseClient(task.warehousePath);
    }
    clients.set(key, client);
  }
  return client;
}

/** Ends what a finished task left open on the PostgreSQL connections (SQLite's is the `ctx.db` connection's). */
export async function resetWarehouseClients(): Promise<void> {
  await Promise.all([...postgresClients].map((client) => client.reset()));
}
