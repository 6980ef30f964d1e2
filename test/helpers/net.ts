// Small network helpers shared by the transport and end-to-end tests (loopback only).
import net from "node:net";
import { expect } from "vitest";
import { PortalUnavailableError } from "../../src/errors.js";

/** A loopback port that nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The PortalUnavailableError a call must fail with. */
export async function unavailable(promise: Promise<unknown>): Promise<PortalUnavailableError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PortalUnavailableError);
    return error as PortalUnavailableError;
  }
  throw new Error("expected the call to fail");
}
