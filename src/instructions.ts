/**
 * The server's `instructions`: when to use which tool or resource. Every tool and resource
 * this server registers is named here (a test checks it).
 */
export const INSTRUCTIONS = `mcp-django gives you a live Django project (development only).

Tools:
- shell: run Python inside the project with Django set up. State persists between calls, the last expression's value is returned, and exceptions come back with their traceback. Use it to explore models, run queries and test code. shell(action="reset") clears the session. Long work: raise timeout_seconds (default 30).

Prefer reading code and models before changing data: the shell has full access to the project's database.`;
