"""The sidecar: serves the MCP server's requests from inside the Django project's interpreter.

It needs only the standard library and Django. Bun speaks to it over a Unix-domain socket with
length-prefixed MessagePack frames (``framing``); user code runs on the main thread (``shell``)
with output captured per request (``capture``).
"""

PROTOCOL_VERSION = 1
