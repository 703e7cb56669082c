/**
 * What browsers and OAuth-aware clients (the MCP Inspector) ask an HTTP server before MCP itself:
 * OAuth discovery must find nothing (this server has a static bearer token, no OAuth), and CORS
 * preflights get the answer the Origin policy gives.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "../support/cleanup.ts";
import { authHeaders, type HttpServerProcess, startHttp } from "../support/http.ts";
import { INITIALIZE, post } from "./raw-http.ts";

const deferAll = cleanupAfterAll();

const LOCAL_ORIGIN = "http://localhost:6274";
const FOREIGN_ORIGIN = "https://evil.example";

const DISCOVERY_PATHS = [
  "/.well-known/oauth-protected-resource",
  "/.well-known/oauth-protected-resource/mcp",
  "/.well-known/oauth-authorization-server",
  "/.well-known/oauth-authorization-server/mcp",
  "/.well-known/openid-configuration",
  "/.well-known/openid-configuration/mcp",
  "/mcp/.well-known/openid-configuration",
];

/** A browser's preflight for a POST with MCP's headers. */
function preflight(url: URL, origin: string, method = "POST"): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, content-type, mcp-session-id" },
  });
}

function headerList(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? "").split(",").map((value) => value.trim().toLowerCase());
}

for (const kind of ["http", "sse"] as const) {
  describe(`OAuth discovery over ${kind}`, () => {
    let server: HttpServerProcess;
    beforeAll(async () => {
      server = await startHttp(kind);
      deferAll(() => server.stop());
    });

    for (const path of DISCOVERY_PATHS) {
      test(`${path} is 404 without a token, and with a wrong one`, async () => {
        expect((await fetch(new URL(path, server.url))).status).toBe(404);
        expect((await fetch(new URL(path, server.url), { headers: authHeaders("wrong-token") })).status).toBe(404);
      });
    }

    test("the MCP endpoint still wants the token: 401", async () => {
      expect((await fetch(server.url, { headers: { accept: "text/event-stream" } })).status).toBe(401);
    });
  });
}

describe("CORS over Streamable HTTP", () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttp("http");
    deferAll(() => server.stop());
  });

  test("a preflight from a local origin is allowed with MCP's headers", async () => {
    const response = await preflight(server.url, LOCAL_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(LOCAL_ORIGIN);
    expect(headerList(response, "access-control-allow-methods")).toEqual(expect.arrayContaining(["get", "post", "delete"]));
    expect(headerList(response, "access-control-allow-headers")).toEqual(
      expect.arrayContaining(["authorization", "content-type", "mcp-session-id", "mcp-protocol-version"]),
    );
  });

  test("a preflight from a foreign origin is 403", async () => {
    expect((await preflight(server.url, FOREIGN_ORIGIN)).status).toBe(403);
  });

  test("a response to a local origin lets the page read the session id", async () => {
    const response = await post(server.url, INITIALIZE, { origin: LOCAL_ORIGIN });
    await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(LOCAL_ORIGIN);
    expect(headerList(response, "access-control-expose-headers")).toContain("mcp-session-id");
    expect(response.headers.get("mcp-session-id")).toBeTruthy();
  });

  test("a 401 to a local origin is readable by the page", async () => {
    const response = await post(server.url, INITIALIZE, { origin: LOCAL_ORIGIN, authorization: "Bearer wrong-token" });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(LOCAL_ORIGIN);
  });
});

describe("CORS over legacy SSE", () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttp("sse");
    deferAll(() => server.stop());
  });

  test("a preflight for POST /messages from a local origin is allowed", async () => {
    const response = await preflight(new URL("/messages?sessionId=x", server.url), LOCAL_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(LOCAL_ORIGIN);
    expect(headerList(response, "access-control-allow-methods")).toContain("post");
  });

  test("a preflight from a foreign origin is 403", async () => {
    expect((await preflight(new URL("/messages?sessionId=x", server.url), FOREIGN_ORIGIN)).status).toBe(403);
  });
});
