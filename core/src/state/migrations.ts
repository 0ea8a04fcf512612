// Schema steps of the state store, applied in order; `PRAGMA user_version` records how many ran.
// To change the schema, append a step — never edit a step that has shipped.
export const MIGRATIONS: readonly string[] = [
  // 1: reconciler status, history, manual requests; analysis cache; runtime server switches.
  `
  CREATE TABLE reconciler_status (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    status_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE reconciler_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    revision TEXT NOT NULL,
    digest TEXT,
    duration_ms INTEGER NOT NULL,
    result TEXT NOT NULL,
    message TEXT,
    at TEXT NOT NULL
  );
  CREATE TABLE reconcile_requests (
    token TEXT PRIMARY KEY,
    requested_at TEXT NOT NULL,
    handled_at TEXT,
    outcome_json TEXT
  );
  CREATE TABLE analysis_cache (
    blob TEXT NOT NULL,
    analyzer TEXT NOT NULL,
    analysis_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (blob, analyzer)
  ) WITHOUT ROWID;
  CREATE TABLE server_switches (
    server TEXT PRIMARY KEY,
    running INTEGER NOT NULL,
    changed_at TEXT NOT NULL
  );
  `,
  // 2: execution logs of every tool call; secret values sealed with AES-256-GCM.
  `
  CREATE TABLE execution_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    tool TEXT NOT NULL,
    server TEXT,
    revision TEXT,
    caller TEXT NOT NULL,
    is_test INTEGER NOT NULL,
    success INTEGER NOT NULL,
    args_json TEXT NOT NULL,
    result_json TEXT,
    stdout TEXT,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    request_id TEXT
  );
  CREATE INDEX execution_logs_by_tool ON execution_logs (tool, seq);
  CREATE INDEX execution_logs_by_time ON execution_logs (at);
  CREATE TABLE secrets (
    server TEXT NOT NULL,
    name TEXT NOT NULL,
    sealed BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (server, name)
  ) WITHOUT ROWID;
  `,
];
