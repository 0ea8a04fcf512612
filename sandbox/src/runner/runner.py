# The in-interpreter half of a tool call. Loaded once per Pyodide worker (after the memory snapshot)
# into its own namespace; JS calls `run_call`, `cancel_call` and `analyze_many` with plain strings and
# gets JSON strings back, so no live JS object ever reaches tool code through us.
#
# Isolation choice: the compiled code object of a tool is cached per source hash (skips the parse/
# compile, ~0.4 ms), but every call executes it in a FRESH globals dict. Module-level names of a tool
# therefore never persist between calls. What does persist inside one server's instance is interpreter
# state outside that dict (imported modules and their attributes, files in /tmp) — acceptable because
# an instance only ever serves one server (one trust domain).
#
# The import allowlist below is policy, not the security boundary: the process around us is.

import ast
import asyncio
import base64
import builtins
import contextvars
import dataclasses
import datetime
import decimal
import hashlib
import importlib
import inspect
import io
import json
import math
import sys
import time
import types

TOOL_FILENAME = '<tool>'
OUTPUT_LIMIT = 1_000_000
RESULT_LIMIT = 1_000_000
ENCODED_OUTCOME_LIMIT = 6_000_000  # below the 8 MB IPC frame, leaving room for the envelope
TRUNCATION_MARKER = '\n[output truncated: the tool printed more than 1 MB]'
MAX_SAFE_INTEGER = 2**53 - 1
_CACHE_SIZE = 256

_output = contextvars.ContextVar('mcpbox_output', default=None)
_allowed_modules = contextvars.ContextVar('mcpbox_allowed_modules', default=None)
_code_cache = {}
_tasks = {}
_state = {'host_http': None, 'http': None, 'heap_cap_mib': 0, 'server': ''}


# ---------- output capture ----------

class _CappedOutput:
    __slots__ = ('parts', 'size', 'truncated')

    def __init__(self):
        self.parts = []
        self.size = 0
        self.truncated = False

    def write(self, text):
        if self.truncated:
            return len(text)
        room = OUTPUT_LIMIT - self.size
        if len(text) > room:
            self.parts.append(text[:room])
            self.size = OUTPUT_LIMIT
            self.truncated = True
        else:
            self.parts.append(text)
            self.size += len(text)
        return len(text)

    def value(self):
        text = ''.join(self.parts)
        return text + TRUNCATION_MARKER if self.truncated else text


class _CallStream(io.TextIOBase):
    """sys.stdout/stderr: writes go to the buffer of the call whose task is running (ContextVar),
    and are dropped outside any call, so output can never reach the host console."""

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f'write() argument must be str, not {type(text).__name__}')
        buf = _output.get()
        return buf.write(text) if buf is not None else len(text)

    def flush(self):
        pass


# ---------- import policy ----------

class PolicyError(Exception):
    pass


def _module_allowed(name, allowed):
    parts = name.split('.')
    for i in range(1, len(parts) + 1):
        if '.'.join(parts[:i]) in allowed:
            return True
    return False


def _trusted_frame(frame):
    """An import is the stdlib's own business when the importing frame is the code of a real module
    loaded from the Pyodide stdlib (its globals ARE that module's dict). Tool code, exec'd strings
    and forged globals dicts all fail this test."""
    if frame is None:
        return True
    g = frame.f_globals
    if any(g is ns for ns in _trusted_namespaces):
        return True
    filename = frame.f_code.co_filename
    if not (filename.startswith('/lib/python') or filename.startswith('/lib/pyodide')):
        return False
    mod = sys.modules.get(g.get('__name__'))
    return mod is not None and getattr(mod, '__dict__', None) is g


def _refusal(name):
    return PolicyError(
        f"module '{name}' is not allowed for this server; ask for it with mcpbox_request_module "
        f"(server '{_state['server']}', module '{name}', justification)"
    )


def _check_import(name, fromlist, level, frame):
    allowed = _allowed_modules.get()
    if allowed is None or _trusted_frame(frame):
        return
    if level:
        raise _refusal('.' * level + (name or ''))
    if _module_allowed(name, allowed):
        return
    # `from urllib import parse` is fine when `urllib.parse` is allowed
    if fromlist and all(_module_allowed(f'{name}.{item}', allowed) for item in fromlist if item != '*'):
        if '*' not in fromlist:
            return
    raise _refusal(name)


_real_import = builtins.__import__
_real_import_module = importlib.import_module


def _caller_frame():
    # The frame that called __import__/import_module; None when called straight from JS or C.
    try:
        return sys._getframe(2)
    except ValueError:
        return None


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    # C code importing its private helpers (PyImport_Import passes an empty *list* as fromlist and the
    # nearest Python frame, which may be the tool's) is the interpreter's business, not the tool's.
    if type(fromlist) is list and not fromlist and name.startswith('_') and not level:
        return _real_import(name, globals, locals, fromlist, level)
    _check_import(name, fromlist or (), level, _caller_frame())
    return _real_import(name, globals, locals, fromlist, level)


def _guarded_import_module(name, package=None):
    _check_import(name, (), 0 if not name.startswith('.') else 1, _caller_frame())
    return _real_import_module(name, package)


builtins.__import__ = _guarded_import
importlib.import_module = _guarded_import_module


# ---------- time.sleep that honours interrupts ----------
# time.sleep is an Atomics.wait on Node and ignores the interrupt buffer: sleep in short slices.
_original_sleep = time.sleep


def _sliced_sleep(seconds):
    end = time.monotonic() + seconds
    while (remaining := end - time.monotonic()) > 0:
        _original_sleep(min(remaining, 0.05))


time.sleep = _sliced_sleep


# ---------- result conversion ----------
# Rule (documented in the sandbox README section of the report): dict → object (non-str keys via
# str()), list/tuple/set/frozenset → array (sets sorted when comparable), datetime/date/time → ISO
# 8601 string, bytes/bytearray → base64 string, Decimal → string, dataclass → object of its fields,
# float NaN/±inf → null, int beyond ±(2**53−1) → decimal string, anything else → str(value).

class ResultError(Exception):
    pass


def to_json_value(value, depth=0):
    if depth > 100:
        raise ResultError('the result is nested more than 100 levels deep')
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else str(k)): to_json_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        try:
            items = sorted(value)
        except TypeError:
            items = list(value)
        return [to_json_value(v, depth + 1) for v in items]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode('ascii')
    if isinstance(value, decimal.Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}
    return str(value)


# ---------- errors ----------

def _tool_frames(tb):
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == TOOL_FILENAME:
            frames.append((tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return frames


def _describe_error(exc, source_lines):
    kind = type(exc).__name__
    message = str(exc)
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == TOOL_FILENAME:
        line = exc.lineno
        message = f'{exc.msg} (line {exc.lineno}, column {exc.offset})'
    frames = _tool_frames(exc.__traceback__)
    trace_lines = []
    for lineno, func in frames:
        trace_lines.append(f'  line {lineno}, in {func}')
        if 0 < lineno <= len(source_lines):
            trace_lines.append('    ' + source_lines[lineno - 1].strip())
    if frames:
        line = frames[-1][0]
    if isinstance(exc, MemoryError):
        message = f'the tool ran out of memory (limit {_state["heap_cap_mib"]} MiB per server instance)' + (
            f': {message}' if message else '')
    error = {'type': kind, 'message': message[:20_000]}
    if line is not None:
        error['line'] = line
    if trace_lines:
        error['traceback'] = ('Traceback (tool frames only):\n' + '\n'.join(trace_lines) + f'\n{kind}: {message}')[:50_000]
    return error


# ---------- the call ----------

def _compile(source):
    key = hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()
    code = _code_cache.get(key)
    if code is None:
        code = compile(source, TOOL_FILENAME, 'exec', dont_inherit=True)
        if len(_code_cache) >= _CACHE_SIZE:
            _code_cache.pop(next(iter(_code_cache)))
        _code_cache[key] = code
    return code


class ToolContractError(Exception):
    pass


async def _execute(source, args, secrets):
    code = _compile(source)
    g = {
        '__name__': '__main__',
        '__builtins__': builtins,
        'json': json,
        'datetime': datetime,
        'arguments': dict(args),
        'secrets': types.MappingProxyType(dict(secrets)),
        'http': _state['http'],
    }
    try:
        exec(code, g)
        main = g.get('main')
        if main is None:
            raise ToolContractError('the tool defines no `async def main(...)` at the top level')
        if not inspect.iscoroutinefunction(main):
            raise ToolContractError('`main` must be async: write `async def main(...)`')
        value = await main(**args)
        converted = to_json_value(value)
        text = json.dumps(converted, ensure_ascii=False, allow_nan=False)
        if len(text) > RESULT_LIMIT:
            raise ResultError(f'the result is {len(text)} characters of JSON; the limit is {RESULT_LIMIT}. '
                              'Return less data (summarize, paginate, or drop fields).')
        return text
    finally:
        g.clear()


async def _guarded(source, args, secrets):
    try:
        return True, await _execute(source, args, secrets)
    except KeyboardInterrupt:
        return False, {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was interrupted'}
    except asyncio.CancelledError:
        return False, {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was cancelled'}
    except SystemExit as e:
        return False, {'type': 'SystemExit', 'message': f'the tool called exit({e.code!r}); tools must return a value instead'}
    except RecursionError as e:
        return False, _describe_error(e, source.splitlines())
    except BaseException as e:  # noqa: BLE001 — every failure becomes a structured tool error
        return False, _describe_error(e, source.splitlines())


async def run_call(call_id, server, source, args_json, secrets_json, allowed_json):
    started = time.perf_counter()
    _state['server'] = server  # one call at a time per instance; names the server in policy messages
    out = _CappedOutput()
    out_token = _output.set(out)
    allowed_token = _allowed_modules.set(frozenset(json.loads(allowed_json)))
    try:
        args = json.loads(args_json)
        secrets = json.loads(secrets_json)
        before = asyncio.all_tasks()
        task = asyncio.ensure_future(_guarded(source, args, secrets))
        _tasks[call_id] = task
        try:
            ok, payload = await task
        except BaseException:  # the outer await itself was cancelled
            ok, payload = False, {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was cancelled'}
        finally:
            _tasks.pop(call_id, None)
            # Tasks the tool started and left running would keep using this server's CPU (and its
            # network bridge) after the call: a call's tasks end with the call.
            for leftover in asyncio.all_tasks() - before:
                leftover.cancel()
    finally:
        _output.reset(out_token)
        _allowed_modules.reset(allowed_token)
    duration = (time.perf_counter() - started) * 1000
    stdout = out.value()
    if ok:
        outcome = '{"ok":true,"result":' + payload + ',"stdout":' + json.dumps(stdout) + ',"duration_ms":' + repr(duration) + '}'
    else:
        outcome = json.dumps({'ok': False, 'error': payload, 'stdout': stdout, 'duration_ms': duration})
    if len(outcome) > ENCODED_OUTCOME_LIMIT:  # escapes can multiply size (\u0000 is six characters)
        outcome = json.dumps({'ok': False, 'stdout': '', 'duration_ms': duration, 'error': {
            'type': 'ResultError',
            'message': 'the result and printed output together are too large to return once encoded; return or print less'}})
    return outcome


def cancel_call(call_id):
    task = _tasks.get(call_id)
    if task is not None:
        task.cancel()


_http_factory = {'create': None, 'namespace': None}


def load_http_client(source):
    """Snapshot time: compile the `http` client module (runner/http_client.py) once."""
    if not source:
        return
    ns = {'__name__': 'mcpbox_http_client', 'host_http': None}
    exec(compile(source, '/lib/mcpbox/http_client.py', 'exec'), ns)
    _trusted_namespaces.append(ns)
    _http_factory['namespace'] = ns
    for factory in ('create_http', 'create_client', 'make_client'):
        if callable(ns.get(factory)):
            _http_factory['create'] = ns[factory]
            return


def setup(host_http, heap_cap_mib):
    """Worker start (after the snapshot is loaded): connect the host function and claim stdout."""
    _state['host_http'] = host_http
    _state['heap_cap_mib'] = heap_cap_mib
    ns = _http_factory['namespace']
    if ns is not None:
        ns['host_http'] = host_http
    create = _http_factory['create']
    _state['http'] = create(host_http) if create is not None else _MinimalHttp(host_http)
    sys.stdout = _CallStream()
    sys.stderr = _CallStream()


class _MinimalResponse:
    def __init__(self, data):
        self.status_code = data['status']
        self.headers = data['headers']
        self.url = data['url']
        body = data['body']
        self.content = base64.b64decode(body) if data.get('bodyEncoding') == 'base64' else body.encode()
        self.text = self.content.decode('utf-8', 'replace')

    def json(self):
        return json.loads(self.text)


class HttpError(Exception):
    pass


class _MinimalHttp:
    """Stand-in used only when the network client module is absent: enough for get/post."""

    def __init__(self, host_http):
        self._send = host_http

    async def request(self, method, url, headers=None, json_body=None, data=None):
        req = {'method': method, 'url': url, 'headers': dict(headers or {})}
        if json_body is not None:
            req['body'] = json.dumps(json_body)
            req['headers'].setdefault('content-type', 'application/json')
        elif data is not None:
            req['body'] = data
        reply = json.loads(await self._send(json.dumps(req)))
        if not reply.get('ok'):
            raise HttpError(reply['error'].get('message', 'request refused'))
        return _MinimalResponse(reply['response'])

    async def get(self, url, headers=None):
        return await self.request('GET', url, headers)

    async def post(self, url, headers=None, json=None, data=None):
        return await self.request('POST', url, headers, json, data)


_trusted_namespaces = [globals()]
