// Host files and process control, with every module allowed: the tool sees only Pyodide's in-memory
// file system, cannot start a process, signal the host or leave a file behind on it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attackSuite, attempt, plain, type AttackCase } from './harness.ts';

const canaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpbox-canary-'));
const canary = path.join(canaryDir, 'canary.txt');
fs.writeFileSync(canary, 'CANARY-7f3a');
const marker = path.join(canaryDir, 'written-by-tool');
afterAll(() => fs.rmSync(canaryDir, { recursive: true, force: true }));

/** The verdict of `attempt` refused with exactly `Type: message`: nothing else (a typo's NameError, another error) passes. */
const blocked = (refusal: string): RegExp => new RegExp(`^${JSON.stringify(`blocked: ${refusal}`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const fileCases: AttackCase[] = [
  { name: 'open /etc/passwd', code: attempt("return open('/etc/passwd').read()"), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '/etc/passwd'`) },
  { name: 'open a host temp file by absolute path', code: attempt(`return open(${JSON.stringify(canary)}).read()`), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '${canary}'`) },
  { name: 'list / shows only the in-memory FS', code: attempt("import os\nreturn sorted(os.listdir('/'))"), outcome: /^\["dev","home","lib","proc","tmp"\]$/ },
  { name: 'read the repo through a relative path', code: attempt("import os\nos.chdir('/')\nreturn open('../../work/main/package.json').read()"), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '../../work/main/package.json'`) },
  { name: '/proc/self/environ is not the host\'s', code: attempt("return open('/proc/self/environ').read()"), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '/proc/self/environ'`) },
  { name: 'os.environ holds no host variables', code: attempt("import os\nreturn sorted(k for k in os.environ if k in ('PATH', 'HOME', 'MCPBOX_DATA_DIR', 'npm_config_cache', '_'))"), outcome: /^\["HOME","PATH"\]$/, check: (r) => expect(JSON.stringify(r)).not.toContain('/root') },
  { name: 'pathlib walk finds no host directory', code: attempt("import pathlib\nreturn any(p.name in ('etc', 'work', 'usr') for p in pathlib.Path('/').iterdir())"), outcome: /^false$/ },
  { name: 'a write lands in memory, not on the host', code: attempt(`open(${JSON.stringify(marker)}, 'w').write('x')\nreturn 'written'`), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '${marker}'`), check: () => expect(fs.existsSync(marker)).toBe(false) },
  { name: 'sqlite3 on a host path', code: attempt(`import sqlite3\nsqlite3.connect(${JSON.stringify(path.join(canaryDir, 'x.db'))})\nreturn 'opened'`), outcome: blocked("ZipImportError: can't decompress data; zlib not available"), check: () => expect(fs.existsSync(path.join(canaryDir, 'x.db'))).toBe(false) },
  { name: 'the snapshot file is not in the Python FS', code: attempt("import os\nreturn [f for f in os.listdir('/tmp')]"), outcome: /^\[/, check: (r) => expect(JSON.stringify(r.result)).not.toMatch(/snapshot/) },
  { name: 'os.readlink /proc/self/exe', code: attempt("import os\nreturn os.readlink('/proc/self/exe')"), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '/proc/self/exe'`) },
  { name: 'shutil.copy a host file', code: attempt("import shutil\nshutil.copy('/etc/hostname', '/tmp/h')\nreturn open('/tmp/h').read()"), outcome: blocked(`FileNotFoundError: [Errno 44] No such file or directory: '/etc/hostname'`) },
];

const processCases: AttackCase[] = [
  { name: 'os.system returns -1 (firewall) and runs nothing', code: attempt(`import os\nreturn os.system('touch ${marker}')`), outcome: /^-1$/, check: () => expect(fs.existsSync(marker)).toBe(false) },
  { name: 'ctypes system() via libc', code: attempt(`import ctypes\nreturn ctypes.CDLL(None).system(b'touch ${marker}')`), outcome: blocked("ZipImportError: can't decompress data; zlib not available"), check: () => expect(fs.existsSync(marker)).toBe(false) },
  { name: 'os.popen', code: attempt("import os\nreturn os.popen('id').read()"), outcome: blocked('OSError: [Errno 138] emscripten does not support processes.') },
  { name: 'subprocess.run', code: attempt("import subprocess\nreturn str(subprocess.run(['id']))"), outcome: blocked('OSError: [Errno 138] emscripten does not support processes.') },
  { name: 'asyncio.create_subprocess_exec', code: attempt("import asyncio\np = await asyncio.create_subprocess_exec('id')\nreturn 'spawned'"), outcome: blocked('NotImplementedError: subprocess_exec() is not available in browser environments due to absence of OS process APIs.') },
  { name: 'os.fork', code: attempt('import os\nreturn os.fork()'), outcome: blocked('OSError: [Errno 52] Function not implemented') },
  { name: 'os.execv', code: attempt("import os\nos.execv('/bin/sh', ['sh'])\nreturn 'exec'"), outcome: blocked('OSError: [Errno 45] Exec format error') },
  { name: 'os.posix_spawn', code: attempt("import os\nreturn os.posix_spawn('/bin/sh', ['sh'], {})"), outcome: blocked("AttributeError: module 'os' has no attribute 'posix_spawn'") },
  { name: 'os.kill of pid 1', code: attempt('import os, signal\nos.kill(1, signal.SIGKILL)\nreturn "sent"'), outcome: blocked('PermissionError: [Errno 63] Operation not permitted'), check: () => expect(process.pid).toBeGreaterThan(0) },
  { name: 'os.kill of its own pid → contained crash', code: attempt('import os\nos.kill(os.getpid(), 9)\nreturn "alive"'), outcome: /^SandboxCrash: the tool ended its Python runtime \(for example with os\._exit or a fatal error\); the runtime was restarted$/ },
  { name: 'threading cannot start threads', code: attempt('import threading\nthreading.Thread(target=print).start()\nreturn "started"'), outcome: blocked("RuntimeError: can't start new thread") },
  { name: 'multiprocessing cannot start processes', code: attempt('import multiprocessing\nmultiprocessing.Process(target=print).start()\nreturn "started"'), outcome: blocked("ZipImportError: can't decompress data; zlib not available") },
  { name: 'sys.exit is a tool error, not an exit', code: plain('import sys\nsys.exit(3)'), outcome: /^SystemExit: the tool called exit\(3\)/ },
  { name: 'raise SystemExit inside a task', code: plain('raise SystemExit(0)'), outcome: /^SystemExit: the tool called exit\(0\); tools must return a value instead$/ },
  { name: 'os.setuid', code: attempt('import os\nos.setuid(0)\nreturn "root"'), outcome: blocked('PermissionError: [Errno 63] Operation not permitted') },
  { name: 'signal handler that ignores SIGINT, then a loop: hard kill', code: plain('import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass'), timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'the host process survives and is not the tool\'s parent', code: attempt('import os\nreturn os.getppid()'), outcome: /^1$/, check: () => expect(process.pid).toBeGreaterThan(0) },
];

describe('adversarial: host files', () => {
  attackSuite('hostfiles', fileCases);
  it('the canary is untouched', () => {
    expect(fs.readFileSync(canary, 'utf8')).toBe('CANARY-7f3a');
    expect(fs.readdirSync(canaryDir)).toEqual(['canary.txt']);
  });
});

describe('adversarial: process control', () => {
  attackSuite('processes', processCases);
  it('no process or file was created on the host', () => {
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync('/tmp/mcpbox-pwned')).toBe(false);
  });
});
