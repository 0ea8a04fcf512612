// Runtime start/stop of a server: an admin-style switch kept in the state store (survives restarts),
// not desired state. The repo's `enabled` says whether a server exists; this says whether it runs now.
import { ToolError } from '../../tools/tool-error.ts';
import type { ChangeContext } from './change-context.ts';

export interface SwitchResult {
  server_id: string;
  running: boolean;
  changed: boolean;
  changed_at: string;
  message: string;
}

export class ServerSwitchService {
  private readonly ctx: ChangeContext;

  constructor(ctx: ChangeContext) {
    this.ctx = ctx;
  }

  async set(server: string, running: boolean): Promise<SwitchResult> {
    const switches = this.ctx.serverSwitches;
    if (switches === null) {
      throw new ToolError('unavailable', 'Runtime switches need the state store, which this gateway was started without. Ask the admin to run the gateway with `mcpbox up`.');
    }
    const state = await this.ctx.mainState.current();
    if (state.servers[server] === undefined) {
      throw new ToolError('not_found', `There is no server "${server}" on main, so there is nothing to ${running ? 'start' : 'stop'}. Drafts run only through mcpbox_test_code.`);
    }
    const before = switches.get(server);
    if (before.running === running) {
      return { server_id: server, running, changed: false, changed_at: before.changedAt, message: `Server "${server}" is already ${running ? 'running' : 'stopped'}.` };
    }
    const after = switches.set(server, running);
    if (this.ctx.sandbox !== null) {
      if (running) await this.ctx.sandbox.start(server);
      else await this.ctx.sandbox.stop(server);
    }
    return {
      server_id: server,
      running,
      changed: true,
      changed_at: after.changedAt,
      message: running ? `Server "${server}" is running; its tools can be called.` : `Server "${server}" is stopped; its sandbox process was ended. The switch is kept across gateway restarts; start it again with mcpbox_start_server.`,
    };
  }
}
