"""mcp-django's Python side: a Django app and the sidecar the MCP server talks to."""
