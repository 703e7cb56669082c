/** The django:// resources over createServer() and the in-memory transport, with a fake Django service. */
import { afterEach, describe, expect, test } from "bun:test";
import { ErrorCode, type McpError } from "@modelcontextprotocol/sdk/types.js";
import type { DjangoService } from "../../src/django/service.ts";
import { ProjectError } from "../../src/errors.ts";
import { readResourceError } from "../support/client.ts";
import { FAKE_PROJECT, fakeDjango } from "../support/fake-django.ts";
import { connectInProcess, type InProcess } from "../support/in-process.ts";

let connected: InProcess | undefined;

afterEach(async () => {
  await connected?.close();
  connected = undefined;
});

async function client(django: DjangoService = fakeDjango()) {
  connected = await connectInProcess(django);
  return connected.client;
}

async function readError(django: DjangoService, uri: string): Promise<McpError> {
  return readResourceError(await client(django), uri);
}

describe("django:// resources", () => {
  test("django://project is the service's project as JSON", async () => {
    const { contents } = await (await client()).readResource({ uri: "django://project" });
    expect(contents[0]?.mimeType).toBe("application/json");
    expect(JSON.parse((contents[0] as { text: string }).text)).toEqual(FAKE_PROJECT);
  });

  test("a missing app is -32002 with the URI in data", async () => {
    const error = await readError(fakeDjango(), "django://app/nope");
    expect(error.code).toBe(-32002);
    expect(error.data).toEqual({ uri: "django://app/nope" });
    expect(error.message).toContain("No installed app with label 'nope'.");
  });

  test("a missing model is -32002 with the URI in data", async () => {
    const error = await readError(fakeDjango(), "django://model/catalog/Nope");
    expect(error.code).toBe(-32002);
    expect(error.data).toEqual({ uri: "django://model/catalog/Nope" });
  });

  test("a URI no resource answers is -32002 with the URI in data", async () => {
    const error = await readError(fakeDjango(), "django://nope");
    expect(error.code).toBe(-32002);
    expect(error.data).toEqual({ uri: "django://nope" });
    expect(error.message).toContain("This server's resources: django://project");
  });

  test("a failure in the project is an internal error with the traceback", async () => {
    const django = fakeDjango({
      models: async () => {
        throw new ProjectError("failed", "boom", "RuntimeError", ['File "/project/catalog/models.py", line 4']);
      },
    });
    const error = await readError(django, "django://models");
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(error.message).toContain("Reading django://models failed (RuntimeError): boom");
    expect(error.message).toContain("catalog/models.py");
  });

  test("app labels complete from the service's apps", async () => {
    const { completion } = await (await client()).complete({
      ref: { type: "ref/resource", uri: "django://app/{app_label}" },
      argument: { name: "app_label", value: "cat" },
    });
    expect(completion.values).toEqual(["catalog"]);
  });

  test("completions are empty, not an error, when Django is broken", async () => {
    const django = fakeDjango({
      apps: async () => {
        throw new ProjectError("setup_failed", "settings exploded", "RuntimeError");
      },
    });
    const { completion } = await (await client(django)).complete({
      ref: { type: "ref/resource", uri: "django://app/{app_label}" },
      argument: { name: "app_label", value: "" },
    });
    expect(completion.values).toEqual([]);
  });
});
