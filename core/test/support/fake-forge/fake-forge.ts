// A fake forge on 127.0.0.1 for tests without GitHub or Gitea: one real bare repo served over git's
// smart HTTP (git http-backend) and through two API dialects — GitHub REST under /api/v3 and
// Gitea/Forgejo v1 under /api/v1 — with every request and response checked against the vendors'
// API descriptions (contract.ts). Like a real forge with a protected main, the bot's token can write
// branches and open pull requests but cannot move main or merge; the admin token merges. Merges
// send signed push webhooks to the registered targets.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApiContract, ContractError, type Operation } from './contract.ts';
import { ForgeState, now, type FakePull } from './forge-state.ts';
import { serveGit } from './git-http.ts';
import { githubHandlers } from './github-dialect.ts';
import { giteaHandlers } from './gitea-dialect.ts';
import { ForgeRepo } from './repo-ops.ts';

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export type Actor = 'bot' | 'admin';

interface HandlerContext {
  params: Record<string, string>;
  body: unknown;
  query: URLSearchParams;
  actor: Actor;
}

export type Handler = (ctx: HandlerContext) => Promise<{ status: number; body?: unknown }>;

export interface WebhookTarget {
  url: string;
  secret: string;
  dialect: 'github' | 'gitea' | 'forgejo';
}

export interface FakeForgeOptions {
  gitDir: string;
  owner?: string;
  repo?: string;
  botToken: string;
  adminToken: string;
}

export interface RecordedRequest {
  dialect: 'github' | 'gitea' | 'git';
  method: string;
  operationId: string;
  status: number;
  actor: Actor | null;
}

/** What the dialects use. */
export interface FakeForgeCore {
  owner: string;
  repo: string;
  botUser: string;
  state: ForgeState;
  repo_: ForgeRepo;
  baseUrl(): string;
  /** The branch protection: nobody moves main through the ref or contents APIs. */
  guardMain(branch: string): void;
  close(pull: FakePull): Promise<void>;
  merge(pull: FakePull, by: string): Promise<string>;
}

export class FakeForge implements FakeForgeCore {
  readonly owner: string;
  readonly repo: string;
  readonly botUser = 'mcpbox-bot';
  readonly state = new ForgeState();
  readonly repo_: ForgeRepo;
  readonly requests: RecordedRequest[] = [];
  readonly contractFailures: string[] = [];
  readonly webhooks: WebhookTarget[] = [];
  readonly deliveries: Array<{ target: string; status: number | string }> = [];
  /** Test switch: deliver the push webhook before main moves (a poke that arrives too early). */
  webhookBeforeMerge = false;
  /** How long main stays unmoved after such an early webhook. */
  webhookLeadMs = 500;
  readonly #contract = new ApiContract(['git/get-ref', 'git/create-ref', 'git/update-ref', 'git/get-commit', 'git/create-commit', 'pulls/merge']);
  readonly #handlers: { github: Record<string, Handler>; gitea: Record<string, Handler> };
  readonly #options: FakeForgeOptions;
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  #port = 0;

  constructor(options: FakeForgeOptions) {
    this.#options = options;
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'tools';
    this.repo_ = new ForgeRepo(options.gitDir);
    this.#handlers = { github: githubHandlers(this), gitea: giteaHandlers(this) };
  }

  baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }
  get githubApiUrl(): string {
    return `${this.baseUrl()}/api/v3`;
  }
  get giteaApiUrl(): string {
    return `${this.baseUrl()}/api/v1`;
  }
  get repoUrl(): string {
    return `${this.baseUrl()}/${this.owner}/${this.repo}.git`;
  }
  get gitDir(): string {
    return this.#options.gitDir;
  }

  /** Listens (again, on the same port after stop()). */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Goes offline: connections are refused until start() is called again. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  guardMain(branch: string): void {
    if (branch === 'main') throw new HttpError(422, 'Repository rule violations found: Cannot update this protected ref.');
  }

  async close(pull: FakePull): Promise<void> {
    pull.frozenHead = (await this.repo_.head(pull.head)) ?? pull.frozenHead;
    pull.state = 'closed';
    pull.closedAt = now();
  }

  async merge(pull: FakePull, by: string): Promise<string> {
    const { commit, main: before } = await this.repo_.prepareMerge(pull.head, `Merge pull request #${pull.number} from ${this.owner}/${pull.head}\n\n${pull.title}`);
    // A forge may announce a push before the commit can be fetched; this switch reproduces that.
    if (this.webhookBeforeMerge) {
      await this.#deliverPush(before, commit);
      await new Promise((r) => setTimeout(r, this.webhookLeadMs));
    }
    if (!(await this.repo_.moveBranch('main', commit, before))) throw new HttpError(409, 'main moved during the merge; try again');
    pull.frozenHead = (await this.repo_.head(pull.head)) ?? undefined;
    pull.state = 'closed';
    pull.merged = true;
    pull.mergeCommit = commit;
    pull.mergedAt = now();
    pull.closedAt = pull.mergedAt;
    pull.mergedBy = by;
    pull.updatedAt = pull.mergedAt;
    if (!this.webhookBeforeMerge) void this.#deliverPush(before, commit);
    return commit;
  }

  async #deliverPush(before: string, after: string): Promise<void> {
    const body = JSON.stringify({ ref: 'refs/heads/main', before, after, repository: { full_name: `${this.owner}/${this.repo}` } });
    await Promise.all(
      this.webhooks.map(async (target) => {
        const delivery = randomUUID();
        const hex = createHmac('sha256', target.secret).update(body).digest('hex');
        const headers: Record<string, string> =
          target.dialect === 'github'
            ? { 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${hex}` }
            : target.dialect === 'gitea'
              ? { 'x-gitea-event': 'push', 'x-gitea-delivery': delivery, 'x-gitea-signature': hex }
              : { 'x-forgejo-event': 'push', 'x-forgejo-delivery': delivery, 'x-forgejo-signature': hex };
        try {
          const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
          this.deliveries.push({ target: target.url, status: res.status });
        } catch (err) {
          this.deliveries.push({ target: target.url, status: String((err as Error).message) });
        }
      }),
    );
  }

  #actor(req: IncomingMessage, dialect: 'api' | 'git'): Actor | null {
    const header = req.headers.authorization ?? '';
    let token: string | undefined;
    if (dialect === 'git') {
      const m = /^Basic (.+)$/i.exec(header);
      if (m) token = Buffer.from(m[1]!, 'base64').toString('utf8').split(':').slice(1).join(':');
    } else {
      token = /^(?:token|bearer) (.+)$/i.exec(header)?.[1];
    }
    if (token === this.#options.botToken) return 'bot';
    if (token === this.#options.adminToken) return 'admin';
    return null;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl());
    const gitPrefix = `/${this.owner}/${this.repo}.git`;
    if (url.pathname.startsWith(gitPrefix + '/')) {
      const actor = this.#actor(req, 'git');
      this.requests.push({ dialect: 'git', method: req.method ?? 'GET', operationId: url.pathname.slice(gitPrefix.length), status: actor ? 200 : 401, actor });
      if (!actor) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="fake forge"' }).end('authentication required');
        return;
      }
      // http-backend serves <GIT_PROJECT_ROOT>/<name>; the repo's directory name stands for owner/repo.
      const name = this.gitDir.split('/').pop()!;
      serveGit(req, res, this.gitDir, `/${name}${url.pathname.slice(gitPrefix.length)}`, url.search.slice(1));
      return;
    }
    const dialect = url.pathname.startsWith('/api/v3/') ? 'github' : url.pathname.startsWith('/api/v1/') ? 'gitea' : null;
    if (!dialect) {
      res.writeHead(404).end();
      return;
    }
    const path = url.pathname.slice('/api/v3'.length);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const errorBody = (message: string) => (dialect === 'github' ? { message, documentation_url: 'https://docs.github.com/rest' } : { message, url: this.baseUrl() });
    const matched = this.#contract.match(dialect, req.method ?? 'GET', path);
    if (!matched) {
      this.contractFailures.push(`not in the ${dialect} API description: ${req.method} ${path}`);
      reply(404, errorBody('Not Found'));
      return;
    }
    const { op, params } = matched;
    const actor = this.#actor(req, 'api');
    let status = 500;
    try {
      if (!actor) throw new HttpError(401, 'Bad credentials');
      if (params.owner !== this.owner || params.repo !== this.repo) throw new HttpError(404, 'Not Found');
      const raw = await readBody(req);
      const body = raw.length > 0 ? JSON.parse(raw) : undefined;
      if (body !== undefined || op.method !== 'get') this.#contract.checkRequest(op, body ?? {});
      if ((op.operationId === 'pulls/merge' || op.operationId === 'repoMergePullRequest') && actor !== 'admin') {
        throw new HttpError(405, 'Repository rule violations found: Changes must be made through a pull request approved by a code owner.');
      }
      const handler = this.#handlers[dialect][op.operationId];
      if (!handler) throw new HttpError(501, `the fake forge does not implement ${op.operationId}`);
      const result = await handler({ params, body, query: url.searchParams, actor });
      this.#check(op, result.status, result.body);
      status = result.status;
      reply(result.status, result.body);
    } catch (err) {
      if (err instanceof ContractError) this.contractFailures.push(err.message);
      status = err instanceof HttpError || err instanceof ContractError ? err.status : 500;
      reply(status, errorBody(err instanceof Error ? err.message : String(err)));
    } finally {
      this.requests.push({ dialect, method: req.method ?? 'GET', operationId: op.operationId, status, actor });
    }
  }

  #check(op: Operation, status: number, body: unknown): void {
    this.#contract.checkResponse(op, status, body);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeForge(options: FakeForgeOptions): Promise<FakeForge> {
  const forge = new FakeForge(options);
  await forge.start();
  return forge;
}
