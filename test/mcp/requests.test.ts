/** request, logs and last_error over createServer() and the in-memory transport, with a fake Django service. */
import { describe, expect, test } from "bun:test";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { textOf } from "../support/client.ts";
import { fakeDjango } from "../support/fake-django.ts";
import { connectInProcess, inProcessToolCaller } from "../support/in-process.ts";

const call = inProcessToolCaller();
const defer = cleanupAfterEach();

describe("request", () => {
  test("passes the request to the service with the defaults and a 30 s timeout", async () => {
    const django = fakeDjango();
    const probe = django.requests.probe;
    const seen: Parameters<typeof probe>[] = [];
    django.requests.probe = (request, options) => {
      seen.push([request, options]);
      return probe(request, options);
    };
    await call(django, "request", { path: "/shelf/" });
    expect(seen[0]?.[0]).toMatchObject({ method: "GET", path: "/shelf/", follow: false, commit: false, htmlAsText: false, bodyLimit: 20_000 });
    expect(seen[0]?.[1].timeoutSeconds).toBe(30);
  });

  test("its text starts with a line saying what came back", async () => {
    const result = await call(fakeDjango(), "request", { path: "/shelf/" });
    expect(textOf(result).split("\n")[0]).toBe("GET /shelf/ → 200 OK, 0 queries");
  });

  test("an unknown user is a tool error with the service's message", async () => {
    const result = await call(fakeDjango(), "request", { path: "/", user: "nobody" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith("No user 'nobody'");
  });

  test("a body limit over the maximum is refused", async () => {
    const result = await call(fakeDjango(), "request", { path: "/", body_limit: 2_000_000 }).catch((error: Error) => ({
      isError: true,
      content: [{ type: "text" as const, text: error.message }],
    }));
    expect(result.isError).toBe(true);
  });
});

describe("last_error", () => {
  test("with none recorded is a result saying since when, not an error", async () => {
    const result = await call(fakeDjango(), "last_error");
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ error: null, recorded: 0 });
    expect(textOf(result).split("\n")[0]).toBe("No unhandled request exception recorded since 2026-12-01T10:00:00.000+00:00.");
  });
});

describe("django://errors/last", () => {
  test("is the service's last error as JSON", async () => {
    const connected = await connectInProcess(fakeDjango());
    defer(() => connected.close());
    const { contents } = await connected.client.readResource({ uri: "django://errors/last" });
    expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({ error: null, recorded: 0 });
  });
});
