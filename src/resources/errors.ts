/** django://errors/last: the most recent unhandled request exception, as the last_error tool gives it. */
import type { ServerContext } from "../context.ts";
import { JSON_MIME, jsonContents, type ResourceRegistry } from "../mcp/resources.ts";

export function registerErrorResources(registry: ResourceRegistry, { django }: ServerContext): void {
  registry.resource(
    "django-last-error",
    "django://errors/last",
    {
      title: "Last request error",
      description:
        "The most recent unhandled exception of a request (time, method, path, user, the traceback with the project's frames marked), or error: null with the time recording started. Attached to your runserver it is the error the browser just hit.",
      mimeType: JSON_MIME,
    },
    async (uri, extra) => jsonContents(uri, await django.requests.lastError(extra.signal)),
  );
}
