import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallToolResult, ErrorCode, type McpError } from "@modelcontextprotocol/sdk/types.js";
import { type Connected, connect, shell, textOf } from "./support/client.ts";

let server: Connected;
beforeAll(async () => {
  server = await connect();
});
afterAll(async () => {
  await server.close();
});

describe("shell execute", () => {
  test("returns the value and type of a final expression", async () => {
    const result = await shell(server.client, "2 + 2");
    expect(result).toEqual({ status: "success", output: { value: "4", value_type: "int" }, stdout: "", stderr: "" });
  });

  test("keeps variables between calls", async () => {
    expect((await shell(server.client, "kept = 42")).output).toEqual({});
    expect((await shell(server.client, "kept + 8")).output).toEqual({ value: "50", value_type: "int" });
  });

  test("keeps imports between calls", async () => {
    await shell(server.client, "import decimal");
    expect((await shell(server.client, "decimal.Decimal('1.5')")).output.value).toBe("Decimal('1.5')");
  });

  test("captures printed output", async () => {
    const result = await shell(server.client, 'print("hi")');
    expect(result.status).toBe("success");
    expect(result.stdout).toBe("hi\n");
  });

  test("captures stderr separately", async () => {
    const result = await shell(server.client, 'import sys\nsys.stderr.write("careful\\n")\nprint("out")');
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toBe("careful\n");
  });

  test("reports an exception as an error status with a traceback of the user's code only", async () => {
    const result = await shell(server.client, "1/0");
    expect(result.status).toBe("error");
    expect(result.output.exception?.exc_type).toBe("ZeroDivisionError");
    expect(result.output.exception?.message).toBe("division by zero");
    expect(result.output.exception?.traceback[0]).toBe('File "<shell>", line 1, in <module>');
    expect(result.output.exception?.traceback.join("\n")).not.toContain("mcp_django_bun");
  });

  test("shows frames of functions the user defined earlier", async () => {
    await shell(server.client, "def explode():\n    raise ValueError('boom')");
    const result = await shell(server.client, "explode()");
    expect(result.output.exception?.exc_type).toBe("ValueError");
    expect(result.output.exception?.traceback.filter((line) => line.startsWith("File"))).toHaveLength(2);
  });

  test("joins a line continuation", async () => {
    await shell(server.client, "total = 1 + \\\n2");
    expect((await shell(server.client, "total")).output.value).toBe("3");
  });

  test("returns the value of a multi-line final expression", async () => {
    const result = await shell(server.client, "values = [1, 2]\n(\n    sum(values)\n    + 10\n)");
    expect(result.output).toEqual({ value: "13", value_type: "int" });
  });

  test("returns no value when the last statement is not an expression", async () => {
    expect((await shell(server.client, "for i in range(2):\n    print(i)")).output).toEqual({});
  });

  test("evaluates a QuerySet on the last line and returns its rows", async () => {
    const result = await shell(server.client, "from catalog.models import Book\nBook.objects.order_by('isbn')");
    expect(result.status).toBe("success");
    expect(result.output.value_type).toBe("QuerySet");
    expect(result.output.value).toStartWith("<QuerySet [<Book:");
  });

  test("runs synchronous ORM calls", async () => {
    const result = await shell(server.client, "from catalog.models import Book\nBook.objects.count()");
    expect(Number(result.output.value)).toBeGreaterThan(0);
  });

  test("reports a SyntaxError without running anything", async () => {
    const result = await shell(server.client, "ran = True\nx = = 1");
    expect(result.status).toBe("error");
    expect(result.output.exception?.exc_type).toBe("SyntaxError");
    expect((await shell(server.client, "'ran' in globals()")).output.value).toBe("False");
  });

  test("survives exit()", async () => {
    await shell(server.client, "still_here = 'yes'");
    const result = await shell(server.client, "exit()");
    expect(result.status).toBe("error");
    expect(result.output.exception?.exc_type).toBe("SystemExit");
    expect((await shell(server.client, "still_here")).output.value).toBe("'yes'");
  });

  test("survives raise SystemExit", async () => {
    const result = await shell(server.client, "raise SystemExit(3)");
    expect(result.output.exception?.exc_type).toBe("SystemExit");
    expect((await shell(server.client, "1 + 1")).output.value).toBe("2");
  });

  test("reports a KeyboardInterrupt raised by the code and stays up", async () => {
    const result = await shell(server.client, "raise KeyboardInterrupt");
    expect(result.output.exception?.exc_type).toBe("KeyboardInterrupt");
    expect((await shell(server.client, "'alive'")).output.value).toBe("'alive'");
  });

  test("caps a huge repr with a visible marker and the full size", async () => {
    const result = await shell(server.client, "'x' * 200_000");
    expect(result.output.value).toContain("truncated");
    expect(result.output.value).toContain("200002 characters");
    expect(result.output.value!.length).toBeLessThan(60_000);
  });

  test("survives printing a lone surrogate", async () => {
    const result = await shell(server.client, "print('\\udcff')\n'still here'");
    expect(result.status).toBe("success");
    expect(result.output.value).toBe("'still here'");
  });

  test("leaves the real stream's file number and buffer reachable through sys.stdout", async () => {
    const result = await shell(server.client, "import sys\n(type(sys.stdout.fileno()).__name__, hasattr(sys.stdout, 'buffer'))");
    expect(result.output.value).toBe("('int', True)");
  });

  test("mirrors the structured result as JSON text", async () => {
    const result = (await server.client.callTool({ name: "shell", arguments: { code: "6 * 7" } })) as CallToolResult;
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  });
});

describe("shell reset", () => {
  test("clears variables", async () => {
    await shell(server.client, "forgotten = 1");
    const reset = (await server.client.callTool({ name: "shell", arguments: { action: "reset" } })) as CallToolResult;
    expect(reset.isError).toBeFalsy();
    expect(textOf(reset)).toContain("reset");
    const result = await shell(server.client, "forgotten");
    expect(result.output.exception?.exc_type).toBe("NameError");
  });
});

describe("shell argument errors", () => {
  test("execute without code is a tool error that says what to pass", async () => {
    const result = (await server.client.callTool({ name: "shell", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("needs code");
  });

  test("reset with code is a tool error that says to reset alone", async () => {
    const result = (await server.client.callTool({ name: "shell", arguments: { action: "reset", code: "x" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("takes no code");
  });

  test("an unknown action is a tool error naming the allowed ones", async () => {
    const result = (await server.client.callTool({ name: "shell", arguments: { action: "explode", code: "1" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("execute");
  });

  test("code of the wrong type is a tool error", async () => {
    const result = (await server.client.callTool({ name: "shell", arguments: { code: 42 } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("code");
  });

  test("an unknown tool is a JSON-RPC invalid-params error that names it", async () => {
    const error = await server.client.callTool({ name: "no_such_tool", arguments: {} }).then(
      () => undefined,
      (thrown: unknown) => thrown as McpError,
    );
    expect(error?.code).toBe(ErrorCode.InvalidParams);
    expect(error?.message).toContain("no_such_tool");
  });
});

describe("server metadata", () => {
  test("instructions name every tool", async () => {
    const instructions = server.client.getInstructions() ?? "";
    const { tools } = await server.client.listTools();
    for (const tool of tools) expect(instructions).toContain(tool.name);
  });

  test("shell is annotated as destructive", async () => {
    const { tools } = await server.client.listTools();
    const shellTool = tools.find((tool) => tool.name === "shell");
    expect(shellTool?.annotations?.destructiveHint).toBe(true);
    expect(shellTool?.annotations?.readOnlyHint).toBe(false);
  });
});
