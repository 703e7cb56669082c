/** Requests and logs over the supervisor: what is refused before the sidecar, and what is sent to it. */
import { describe, expect, test } from "bun:test";
import { createRequests, sinceEpoch } from "../../src/django/requests.ts";
import { InvalidArgumentError } from "../../src/errors.ts";
import { recordingSupervisor } from "../support/recording-supervisor.ts";

describe("a request probe", () => {
  test("data and json together are refused without reaching the sidecar", async () => {
    const { supervisor, sent } = recordingSupervisor();
    const probe = createRequests(supervisor).probe({ method: "POST", path: "/", data: { a: "1" }, json: { a: 1 } }, { timeoutSeconds: 5 });
    await expect(probe).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });

  test("goes to the sidecar with its JSON body encoded, without the options not given, and its timeout as the call's deadline", async () => {
    const { supervisor, sent } = recordingSupervisor();
    const signal = new AbortController().signal;
    const probe = createRequests(supervisor).probe({ method: "PUT", path: "/x/", json: { a: [1] }, user: 3, commit: true }, { timeoutSeconds: 5, signal });
    await expect(probe).rejects.toThrow("no sidecar");
    expect(sent).toEqual([
      {
        op: "request.probe",
        args: { method: "PUT", path: "/x/", timeout: 5, json_body: '{"a":[1]}', user: 3, commit: true },
        options: { timeoutMs: 5000, signal },
      },
    ]);
  });

  test("json with a GET is refused without reaching the sidecar", async () => {
    const { supervisor, sent } = recordingSupervisor();
    await expect(createRequests(supervisor).probe({ method: "GET", path: "/", json: { a: 1 } }, { timeoutSeconds: 5 })).rejects.toThrow("has no body here");
    expect(sent).toEqual([]);
  });

  test("a null json is no body", async () => {
    const { supervisor, sent } = recordingSupervisor();
    await expect(createRequests(supervisor).probe({ method: "POST", path: "/", json: null, data: { a: "1" } }, { timeoutSeconds: 5 })).rejects.toThrow(
      "no sidecar",
    );
    expect(sent[0]?.args).toEqual({ method: "POST", path: "/", timeout: 5, data: { a: "1" } });
  });
});

describe("since", () => {
  const now = Date.parse("2026-05-01T12:00:00Z");

  test("a number is seconds ago", () => {
    expect(sinceEpoch(300, now)).toBe(now / 1000 - 300);
  });

  test("a string of digits is seconds ago too", () => {
    expect(sinceEpoch("60", now)).toBe(now / 1000 - 60);
  });

  test("an ISO 8601 time is that time", () => {
    expect(sinceEpoch("2026-05-01T11:00:00Z", now)).toBe(now / 1000 - 3600);
  });

  test("anything else is refused, saying what it takes", () => {
    expect(() => sinceEpoch("yesterday", now)).toThrow(InvalidArgumentError);
    expect(() => sinceEpoch("yesterday", now)).toThrow("ISO 8601");
  });

  test("logs sends since as seconds since the epoch, and nothing for the filters not given", async () => {
    const { supervisor, sent } = recordingSupervisor();
    await expect(createRequests(supervisor).logs({ level: "ERROR", since: "2026-05-01T11:00:00Z" })).rejects.toThrow("no sidecar");
    expect(sent[0]?.args).toEqual({ level: "ERROR", since: Date.parse("2026-05-01T11:00:00Z") / 1000 });
  });
});
