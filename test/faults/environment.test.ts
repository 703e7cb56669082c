/** The server's secrets stay in the server: the project's code can't read the HTTP token. */
import { describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cleanupAfterEach } from "../support/cleanup.ts";
import { cliEnv, shell } from "../support/client.ts";
import { connectHttp, startHttp } from "../support/http.ts";
import { EXAMPLE, REPO, VENV_PYTHON } from "../support/paths.ts";

const defer = cleanupAfterEach();

const READ_TOKEN = "import os\n(os.environ.get('MCP_DJANGO_TOKEN'), b'MCP_DJANGO_TOKEN' in open('/proc/self/environ', 'rb').read())";

describe("the HTTP bearer token", () => {
  test("is not in the environment of the sidecar of a server started with one", async () => {
    const server = await startHttp("http");
    defer(() => server.stop());
    const { client, end } = await connectHttp(server);
    defer(end);
    expect((await shell(client, READ_TOKEN)).output.value).toBe("(None, False)");
  });

  test("is not in the environment python manage.py mcp runs the project's code with", async () => {
    const transport = new StdioClientTransport({
      command: VENV_PYTHON,
      args: ["manage.py", "mcp"],
      cwd: EXAMPLE,
      env: cliEnv({ PATH: `${REPO}node_modules/.bin:${process.env.PATH}`, MCP_DJANGO_TOKEN: "a-token-of-the-user" }),
      stderr: "ignore",
    });
    const client = new Client({ name: "environment-tests", version: "0" });
    defer(() => client.close());
    await client.connect(transport);
    expect((await shell(client, "import os\nos.environ.get('MCP_DJANGO_TOKEN')")).output.value).toBe("None");
  });
});
