import type { ArgsDef } from "citty";

/** The flags that name the project, shared by serve, install and doctor. */
export const projectArgs = {
  project: {
    type: "string",
    description: "The Django project's folder, the one with manage.py (default: $MCP_DJANGO_PROJECT, else the working directory)",
  },
  settings: { type: "string", description: "Django settings module (default: $DJANGO_SETTINGS_MODULE, else manage.py's)" },
  pythonpath: { type: "string", description: "Directory to add to the Python path" },
  python: { type: "string", description: "Python interpreter (default: $VIRTUAL_ENV, .venv next to manage.py, python3)" },
} as const satisfies ArgsDef;
