import assert from "node:assert/strict";
import type pg from "pg";
import { StepQueue } from "../../server/src/distributed/queue";
import { createPool } from "../../server/src/store/postgres/connection";
import { describeWithPostgres } from "../support/postgresCluster";

describeWithPostgres("distributed: the step queue on PostgreSQL", function (postgres) {
  this.timeout(120_000);

  // pg-boss's create_queue, run by several processes at once on a new database, deadlocked in
  // about half of such starts (three workers started together; one exited at once).
  it("opens for every process starting together on a new database: one creates the queue, the others find it", async () => {
    for (let round = 0; round < 6; round++) {
      const url = postgres.cluster.createDatabase(`queue_${round}`);
      const pools: pg.Pool[] = [0, 1, 2].map(() => createPool(url, () => undefined));
      const opened = await Promise.allSettled(
        pools.map((pool) => StepQueue.open(url, pool, { supervise: false }, () => undefined)),
      );
      for (const result of opened) if (result.status === "fulfilled") await result.value.close();
      await Promise.all(pools.map((pool) => pool.end()));
      const failures = opened.flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : []));
      assert.deepEqual(failures, [], `round ${round}`);
    }
  });
});
