/**
 * LISTEN for commits to a PostgreSQL history, on a connection of its own that comes back after
 * the server restarts or the network drops: an editor must not stop following the team's runs
 * because the database blinked. Each (re)connection also calls the listener, since commits
 * made while disconnected sent notifications nobody heard.
 */
import { createClient, reachable } from "./connection";
import { CHANNEL } from "./schema";

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

/** Starts listening (the first connection must succeed); resolves to the function that stops. */
export async function listen(
  url: string,
  location: string,
  onCommit: () => void,
  log: (message: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let retryMs = RETRY_FIRST_MS;
  let timer: NodeJS.Timeout | undefined;
  let current: ReturnType<typeof createClient> | undefined;

  const connect = async (): Promise<void> => {
    const client = createClient(url);
    client.on("notification", () => onCommit());
    client.on("error", (error) => {
      log(`run history notifications lost (${error.message}); reconnecting`);
      void client.end().catch(() => undefined);
    });
    client.on("end", () => {
      if (current === client) current = undefined;
      if (!stopped) schedule();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    current = client;
    retryMs = RETRY_FIRST_MS;
  };
  const schedule = (): void => {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect().then(
        () => {
          log("run history notifications resumed");
          onCommit();
        },
        () => {
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
          schedule();
        },
      );
    }, retryMs);
    timer.unref();
  };

  try {
    await reachable(location, connect);
  } catch (error) {
    stopped = true;
    throw error;
  }
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current?.end().catch(() => undefined);
  };
}
