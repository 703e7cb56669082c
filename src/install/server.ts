import type { Launcher } from "../cli/launcher.ts";
import type { FoundProject } from "../project/launch.ts";
import type { ServerCommand } from "./clients.ts";

/**
 * The command line a client runs: how this server was started, then the project, interpreter and
 * settings spelled out, so the client can start it from any folder and with any environment.
 */
export function serverCommand(launcher: Launcher, found: FoundProject): ServerCommand {
  const { project, launch } = found;
  const pythonPath = launch.pythonPath.flatMap((folder) => ["--pythonpath", folder]);
  return {
    command: launcher.command,
    args: [...launcher.args, "--project", project.root, "--python", launch.python, "--settings", project.settingsModule, ...pythonPath],
  };
}
