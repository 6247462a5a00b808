/**
 * A language server per test, for suites whose tests each want a fresh one: started by the test
 * (or before each test, on a fixture named once), and after the test stopped through shutdown,
 * or killed when the test failed, since the server may be what stopped answering.
 */
import { startAnalyzed, type StartOptions, TestClient } from "./client";

export class ServerPerTest {
  private running: TestClient | undefined;

  /** The server of the running test. */
  get client(): TestClient {
    if (this.running === undefined) throw new Error("no language server started in this test");
    return this.running;
  }

  /** Starts this test's server on a fresh copy of `fixture`, stopping the one it had. */
  async start(fixture: string, options: StartOptions = {}): Promise<TestClient> {
    await this.stop();
    this.running = (await TestClient.start(fixture, options)).client;
    return this.running;
  }

  /** The same, once the first analysis has finished. */
  async startAnalyzed(fixture: string, options: StartOptions = {}): Promise<TestClient> {
    await this.stop();
    this.running = await startAnalyzed(fixture, options);
    return this.running;
  }

  /** Stops the server, if one runs; `failed` kills it instead. */
  async stop(failed = false): Promise<void> {
    const client = this.running;
    this.running = undefined;
    if (client === undefined) return;
    if (failed) client.kill();
    else await client.stop();
  }
}

/**
 * Registers the suite's hooks: with `fixture`, each test starts with a server analyzed on a
 * fresh copy of it (as an editor opening a trusted workspace would); every test's server is
 * stopped after it.
 */
export function serverPerTest(fixture?: string, options?: StartOptions): ServerPerTest {
  const server = new ServerPerTest();
  if (fixture !== undefined) beforeEach(() => server.startAnalyzed(fixture, options));
  afterEach(async function () {
    await server.stop(this.currentTest?.state === "failed");
  });
  return server;
}
