"""The sidecar: serves the MCP server's requests from inside the Django project's interpreter.

It needs only the standard library and Django. ``contract`` says what travels; Bun speaks to it
over a Unix-domain socket (``channel``) with length-prefixed MessagePack frames (``framing``);
``server`` answers each request through ``dispatch``, which runs the handlers in ``ops``. User
code runs on the main thread (``shell``) with output captured per request (``capture``).
"""
