# The in-interpreter half of a tool call. Loaded once per Pyodide worker (after the memory snapshot)
# into its own namespace; JS calls `start_call`, `finish_call` and `analyze_many` with plain strings and
# gets JSON strings (and, from start_call, the call's two tasks to await and cancel) back.
#
# Isolation choice: the compiled code object of a tool is cached per source hash (skips the parse/
# compile, ~0.4 ms), and every call executes it in a FRESH globals dict. Interpreter state outside that
# dict (modules, builtins, classes, C-level settings, /tmp, os.environ) is not reset in place: after
# every call the runner checks that nothing changed and nothing the call started is still alive
# ("call hygiene", below); when something did, the outcome says so and the control plane replaces the
# interpreter before the next call (detect and recycle).
#
# Two namespaces: this module's (the runner: call state, the hygiene baseline, the bridge factory) is
# never reachable from tool code — no function defined here is handed to tool code, no class defined
# here has methods, no frame or coroutine of ours is alive while tool code runs (JS drives a call's
# phases; each phase here is synchronous, and the tool runs in tasks of the wall), and the ways to
# find objects and frames without a reference (the gc walkers, trace and profile functions) are
# refused by the audit hook. Everything tool code can touch (the import guard, time.sleep, sys.stdout,
# result conversion, the trampoline that runs `main`, the end of a call) is built from _WALL_SOURCE in
# a namespace that holds only what it needs, and nothing in it outlives a call: its mutable parts are
# fingerprinted, and work a call schedules past its end is dropped by the worker (child/call-scope.ts).
#
# The import allowlist is policy, not the security boundary: the process around us is. The wall's
# import guard holds the stock import functions (to call them), as an allowed module's attributes can
# lead to sys.modules; what reaching them gives is the import policy of the call it is reached in.

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
import gc
import operator
import os
import sys
import time
import types
import warnings

# The runner's own functions look builtins up in this private copy (a function keeps the builtins of
# the globals it was defined in), so a tool that patches `builtins.len` changes nothing here.
__builtins__ = dict(vars(builtins))

# Same values as sandbox/src/limits.ts (the parent enforces those; these keep the child below them).
OUTPUT_LIMIT = 1_000_000
ENCODED_OUTCOME_LIMIT = 6_000_000  # below the 8 MB IPC frame, leaving room for the envelope
_CACHE_SIZE = 256
# How many loop turns cancelled leftovers get to finish before they count as refusing to stop.
_CANCEL_TURNS = 5

# Captured once: a tool that rebinds these module attributes or patches the json classes does not
# reach the runner through them. The encoder is json's C encoder (no Python attributes to patch);
# the decoder is a private instance's C scanner.
_sha256 = hashlib.sha256
_perf_counter = time.perf_counter
_all_tasks = asyncio.all_tasks
_future_done = asyncio.Future.done
_future_cancelled = asyncio.Future.cancelled
_future_result = asyncio.Future.result
_sys_modules = sys.modules
# (no `default`: everything encoded is plain JSON already; the wall shares this encoder and nothing in
# it may lead back here.)
_c_encoder = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring, None, ':', ',', False, False, False)
_scan_once = json.JSONDecoder().scan_once


def _dumps(value):
    return ''.join(_c_encoder(value, 0))


def _loads(text):
    value, end = _scan_once(text, 0)
    if end != len(text):
        raise ValueError('trailing data')
    return value


_code_cache = {}
_calls = {}  # call id → (the end-of-call task, when the call started)
_state = {'make_transport': None, 'close_bridge': None, 'hygiene': True, 'baseline': None, 'loop': None}
_taint = []  # reasons the audit hook found during the current call
# Globals dicts whose imports are ours, not the tool's. Collected while loading; the wall gets a frozen
# copy at setup, so nothing a call does can add to it.
_trusted_namespace_ids = set()


# ---------- the wall: everything tool code can reach ----------
# Executed once (module load, at snapshot time) in its own namespace by _build_wall. It holds the
# import policy, time.sleep, per-call output, result conversion and the trampoline that runs `main`.
# Nothing here refers back to the runner's namespace.
_WALL_SOURCE = r'''
TOOL_FILENAME = '<tool>'
OUTPUT_LIMIT = 1_000_000
RESULT_LIMIT = 1_000_000
ERROR_TYPE_LIMIT = 200
ERROR_MESSAGE_LIMIT = 20_000
TRACEBACK_LIMIT = 50_000
TRUNCATION_MARKER = '\n[output truncated: the tool printed more than 1 MB]'
MAX_SAFE_INTEGER = 2**53 - 1


class PolicyError(Exception):
    pass


class ResultError(Exception):
    pass


class ToolContractError(Exception):
    pass


# ---- import policy ----

def _module_allowed(name, allowed):
    parts = name.split('.')
    for i in range(1, len(parts) + 1):
        if '.'.join(parts[:i]) in allowed:
            return True
    return False


def _trusted_frame(frame):
    # An import is the stdlib's own business when the importing frame is the code of a real module
    # loaded from the Pyodide stdlib (its globals ARE that module's dict). Tool code, exec'd strings
    # and forged globals dicts all fail this test.
    if frame is None:
        return True
    g = frame.f_globals
    if g is _self or id(g) in _trusted_namespace_ids:
        return True
    filename = frame.f_code.co_filename
    if not (filename.startswith('/lib/python') or filename.startswith('/lib/pyodide')):
        return False
    mod = _modules.get(g.get('__name__'))
    return mod is not None and getattr(mod, '__dict__', None) is g


def _refusal(name):
    return PolicyError(
        f"module '{name}' is not allowed for this server; ask for it with mcpbox_request_module "
        f"(server '{server_name.get()}', module '{name}', justification)"
    )


def _check_import(name, fromlist, level, frame):
    allowed = allowed_modules.get()
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


def _caller_frame():
    # The frame that called __import__/import_module; None when called straight from JS or C.
    try:
        return _getframe(2)
    except ValueError:
        return None


def __import__(name, globals=None, locals=None, fromlist=(), level=0):
    # C code importing its private helpers (PyImport_Import passes an empty *list* as fromlist and the
    # nearest Python frame, which may be the tool's) is the interpreter's business, not the tool's.
    if type(fromlist) is list and not fromlist and name.startswith('_') and not level:
        return _real_import(name, globals, locals, fromlist, level)
    _check_import(name, fromlist or (), level, _caller_frame())
    return _real_import(name, globals, locals, fromlist, level)


def import_module(name, package=None):
    _check_import(name, (), 0 if not name.startswith('.') else 1, _caller_frame())
    return _real_import_module(name, package)


def sleep(seconds):
    # time.sleep is an Atomics.wait on Node and ignores the interrupt buffer: sleep in short slices.
    end = _monotonic() + seconds
    while (remaining := end - _monotonic()) > 0:
        _original_sleep(min(remaining, 0.05))


# ---- output capture ----

class CappedOutput:
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


class CallStream(_TextIOBase):
    """sys.stdout/stderr: writes go to the buffer of the call whose task is running (ContextVar),
    and are dropped outside any call, so output can never reach the host console."""

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f'write() argument must be str, not {type(text).__name__}')
        buf = output.get()
        return buf.write(text) if buf is not None else len(text)

    def flush(self):
        pass


# ---- result conversion ----
# dict → object (non-str keys via str()), list/tuple/set/frozenset → array (sets sorted when
# comparable), datetime/date/time → ISO 8601 string, bytes/bytearray → base64 string, Decimal →
# string, dataclass → object of its fields, float NaN/±inf → null, int beyond ±(2**53−1) → decimal
# string, anything else → str(value).

def to_json_value(value, depth=0):
    if depth > 100:
        raise ResultError('the result is nested more than 100 levels deep')
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if _isfinite(value) else None
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
    if isinstance(value, (_datetime.datetime, _datetime.date, _datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _b64encode(bytes(value)).decode('ascii')
    if isinstance(value, _Decimal):
        return str(value)
    if _dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name), depth + 1) for f in _dataclasses.fields(value)}
    return str(value)


# ---- errors ----
# An exception is tool data: its class name, its __str__ and its attributes may be anything. Read
# them through the C-level descriptors, and let nothing they raise escape.

def _type_name(exc):
    try:
        name = _type_name_of(type(exc))
    except BaseException:
        return 'Exception'
    if not isinstance(name, str):
        return 'Exception'
    if len(name) > ERROR_TYPE_LIMIT:
        return name[:ERROR_TYPE_LIMIT - 30] + f'… [{len(name)} characters]'
    return name


def _message_of(exc):
    try:
        message = str(exc)
        if type(message) is not str:
            raise TypeError('not a str')
        return message
    except BaseException as failure:
        return (f'(the exception could not be shown: its __str__ raised '
                f'{_type_name(failure)})')


def _tool_frames(tb):
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == TOOL_FILENAME:
            frames.append((tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return frames


def describe_error(exc, source_lines, heap_cap_mib):
    kind = _type_name(exc)
    message = _message_of(exc)
    line = None
    if type(exc) is SyntaxError and exc.filename == TOOL_FILENAME:
        line = exc.lineno
        message = f'{exc.msg} (line {exc.lineno}, column {exc.offset})'
    try:
        frames = _tool_frames(_traceback_of(exc))
    except BaseException:
        frames = []
    trace_lines = []
    for lineno, func in frames:
        trace_lines.append(f'  line {lineno}, in {func}')
        if isinstance(lineno, int) and 0 < lineno <= len(source_lines):
            trace_lines.append('    ' + source_lines[lineno - 1].strip())
    if frames:
        line = frames[-1][0]
    if isinstance(exc, MemoryError):
        message = f'the tool ran out of memory (its limit is {heap_cap_mib} MiB: defaults.memory_mb in mcpbox.yaml)' + (
            f': {message}' if message else '')
    error = {'type': kind, 'message': message[:ERROR_MESSAGE_LIMIT]}
    if isinstance(line, int):
        error['line'] = line
    if trace_lines:
        error['traceback'] = ('Traceback (tool frames only):\n' + '\n'.join(trace_lines) + f'\n{kind}: {message}')[:TRACEBACK_LIMIT]
    return error


# ---- the trampoline ----
# The root coroutine of the task a call runs in: no frame of the runner is below it, so
# sys._getframe / f_back walks from tool code end here.

async def execute(code, source, args, secrets, http, heap_cap_mib):
    g = {
        '__name__': '__main__',
        '__builtins__': _builtins,
        'json': _json,
        'datetime': _datetime,
        'arguments': dict(args),
        'secrets': _MappingProxyType(dict(secrets)),
        'http': http,
    }
    try:
        try:
            exec(code, g)
            main = g.get('main')
            if main is None:
                raise ToolContractError('the tool defines no `async def main(...)` at the top level')
            if not _iscoroutinefunction(main):
                raise ToolContractError('`main` must be async: write `async def main(...)`')
            value = await main(**args)
            converted = to_json_value(value)
            text = ''.join(_c_encoder(converted, 0))
            if len(text) > RESULT_LIMIT:
                raise ResultError(f'the result is {len(text)} characters of JSON; the limit is {RESULT_LIMIT}. '
                                  'Return less data (summarize, paginate, or drop fields).')
            return True, text
        finally:
            g.clear()
    except KeyboardInterrupt:
        return False, {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was interrupted'}
    except _CancelledError:
        return False, {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was cancelled'}
    except SystemExit as e:
        try:
            code_text = repr(e.code)[:200] if isinstance(e.code, (int, str, type(None))) else 'an object'
        except BaseException:
            code_text = 'an object'
        return False, {'type': 'SystemExit', 'message': f'the tool called exit({code_text}); tools must return a value instead'}
    except BaseException as e:  # noqa: BLE001 — every failure becomes a structured tool error
        try:
            return False, describe_error(e, source.splitlines(), heap_cap_mib)
        except BaseException:
            return False, {'type': 'ToolError', 'message': 'the tool failed with an exception that could not be described'}


# ---- loop callbacks ----
# WebLoop schedules every callback (call_soon, call_later, call_at, task steps) as a JS timer. The
# wrapper keeps the handles that have neither run nor been cancelled, so the end of a call can see
# (and cancel) what the call left behind.

live_handles = set()


def call_later(self, delay, callback, *args, context=None):
    cell = []

    def fire(*a):
        if cell:
            live_handles.discard(cell[0])
        return callback(*a)

    handle = _real_call_later(self, delay, fire, *args, context=context)
    cell.append(handle)
    live_handles.add(handle)
    return handle


def schedule_callback(callback, delay=0):
    # Only WebLoop.call_later may start a JS timer: a timer it does not know about would outlive the call.
    if _getframe(1).f_code is not _real_call_later.__code__:
        raise RuntimeError('scheduleCallback is not available to tools; use asyncio (loop.call_later)')
    return _real_schedule_callback(callback, delay)


# ---- the end of a call ----
# A task of its own (started with the call, waiting for the tool's task), for the same reason as
# execute: JS drives a call's phases and no frame of the runner is ever alive while tool code runs.
# Takes the output once the tool has returned, closes the bridge, then stops what the call left
# behind with output discarded; reports the outcome, the output and counts only.

async def settle(task, ready, out, close_bridge, before, turns):
    if task is not None:
        try:
            ready = await task
        except BaseException:  # the tool's task itself was cancelled before it could answer
            ready = (False, {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was cancelled'})
    del task
    text = out.value()
    del out
    close_bridge()
    # One turn, so the tool task's own done-callbacks (the loop's bookkeeping) run before we take stock.
    await _sleep0(0)
    me = _current_task()
    leftovers = [t for t in _all_tasks() if id(t) not in before and t is not me]
    for t in leftovers:
        _cancel(t)
    for _ in range(turns):
        if all(_done(t) for t in leftovers):
            break
        await _sleep0(0)
    stuck_tasks = sum(1 for t in leftovers if not _done(t))
    del leftovers
    # Finalizers (__del__ on a cycle) and weakref callbacks run now, not during a later call; a second
    # collection finding garbage again means a finalizer made more of it.
    _gc_collect()
    regrown = _gc_collect()
    stuck_handles = 0
    for handle in list(live_handles):
        live_handles.discard(handle)
        if not handle.cancelled():
            handle.cancel()
            stuck_handles += 1
    return ready, text, stuck_tasks, stuck_handles, regrown


# What the runner lets go of goes here, and JS empties it between phases: dropping the last reference
# to an object tool code touched can run its __del__, and that must never happen below a runner frame.
graveyard = []


def bury():
    graveyard.clear()
'''


def _build_wall():
    ns = {
        '__builtins__': builtins, '__name__': 'mcpbox_wall', '_getframe': sys._getframe,
        '_real_import': builtins.__import__, '_real_import_module': importlib.import_module,
        '_modules': sys.modules, '_monotonic': time.monotonic, '_original_sleep': time.sleep,
        '_trusted_namespace_ids': frozenset(),  # the final set is bound at setup
        '_TextIOBase': io.TextIOBase, '_isfinite': math.isfinite, '_datetime': datetime, '_b64encode': base64.b64encode,
        '_Decimal': decimal.Decimal, '_dataclasses': dataclasses, '_json': json, '_builtins': builtins,
        '_MappingProxyType': types.MappingProxyType, '_iscoroutinefunction': inspect.iscoroutinefunction,
        '_c_encoder': _c_encoder, '_CancelledError': asyncio.CancelledError, '_gc_collect': gc.collect, '_all_tasks': asyncio.all_tasks,
        '_current_task': asyncio.current_task,
        '_cancel': asyncio.Task.cancel, '_done': asyncio.Future.done, '_sleep0': asyncio.sleep,
        '_real_call_later': None, '_real_schedule_callback': None,
        '_type_name_of': type.__dict__['__name__'].__get__,
        '_traceback_of': BaseException.__dict__['__traceback__'].__get__,
        'allowed_modules': contextvars.ContextVar('mcpbox_allowed_modules', default=None),
        'server_name': contextvars.ContextVar('mcpbox_server', default=''),
        'output': contextvars.ContextVar('mcpbox_output', default=None),
    }
    ns['_self'] = ns
    exec(compile(_WALL_SOURCE, '/lib/mcpbox/wall.py', 'exec'), ns)
    builtins.__import__ = ns['__import__']
    importlib.import_module = ns['import_module']
    time.sleep = ns['sleep']
    return ns


_wall = _build_wall()


# ---------- call hygiene: detect what a call changed or left running ----------
# A fingerprint of the interpreter's shared state, taken once at setup and compared (by identity,
# so no tool-defined __eq__ ever runs here) after every call: sys.modules, every module's __dict__,
# the __dict__ of every class reachable as a module attribute, the loop's own attributes, and the
# C-level settings the table below reads. The audit hook covers what changes without touching any
# of those dicts (tracing, the environment, the file system, gc walks that hand out writable dicts).

def _c_state():
    monitoring = getattr(sys, 'monitoring', None)
    return (
        sys.getrecursionlimit(), sys.get_int_max_str_digits(), sys.gettrace(), sys.getprofile(),
        sys.excepthook, sys.displayhook, sys.unraisablehook, sys.breakpointhook, sys.stdout, sys.stderr, sys.stdin,
        tuple(sys.path), tuple(sys.meta_path), tuple(sys.path_hooks), tuple(warnings.filters), tuple(gc.callbacks),
        gc.isenabled(), gc.get_threshold(), os.getcwd(), tuple(sorted(os.listdir('/tmp'))),
        tuple(os.environ._data.items()), tuple(vars(os.environ).values()), _atexit_count(),
        tuple(monitoring.get_tool(i) for i in range(6)) if monitoring else (),
    )


import atexit  # noqa: E402 — only for its callback count
_atexit_count = atexit._ncallbacks


def _same(a, b):
    if a is b:
        return True
    ta = type(a)
    if ta is not type(b):
        return False
    if ta is int or ta is float or ta is bool or ta is str or ta is bytes:
        return a == b
    if ta is tuple:
        return len(a) == len(b) and all(map(_same, a, b))
    return False


def _dict_state(d):
    return tuple(d), tuple(d.values())


def _loop_state():
    # The loop's attributes, without the two it rewrites on every turn: its count of unfinished
    # futures (the call being checked is one) and the async generator hooks it saves per callback.
    loop = _state['loop'] or asyncio.get_event_loop()  # the loop setup found, not whatever is current now
    return tuple((k, v) for k, v in vars(loop).items() if k not in ('_in_progress', '_old_agen_hooks'))


def _fingerprint_targets():
    """At setup: the dicts whose keys and values are compared after each call (module dicts, the
    dicts of classes reachable as module attributes, the loop's attributes, the wall's namespaces)."""
    dicts = []
    class_dicts = []
    seen_classes = set()
    namespaces = [getattr(module, '__dict__', None) for module in list(sys.modules.values())]
    namespaces += [_wall, _http_factory['namespace']]
    for d in namespaces:
        if type(d) is not dict:
            continue
        dicts.append(d)
        for value in list(d.values()):
            if isinstance(value, type) and id(value) not in seen_classes:
                seen_classes.add(id(value))
                class_dicts.append(value.__dict__)
    return dicts, class_dicts


def _take_baseline():
    dicts, class_dicts = _fingerprint_targets()
    return {
        'modules': (tuple(sys.modules), tuple(sys.modules.values())),
        'module_types': tuple(type(m) for m in sys.modules.values()),
        'dicts': [(d, _dict_state(d)) for d in dicts],
        'classes': [(d, _dict_state(d)) for d in class_dicts],
        'loop': _loop_state(),
        'c_state': _c_state(),
        'frozen': gc.get_freeze_count(),
    }


def _unchanged(pairs):
    for d, (keys, values) in pairs:
        if len(d) != len(keys):
            return False
        if not all(map(operator.is_, d, keys)):
            return False
        # identity first, in C; the per-value comparison (equal ints and strings rebound) only on a miss
        if not all(map(operator.is_, d.values(), values)) and not all(map(_same, d.values(), values)):
            return False
    return True


def _is_lazy_import(name, before, now):
    # The stdlib's lazy-import pattern (`global heapq; if heapq is None: import heapq` in collections):
    # a module global that was None becomes the registered module of that same name. A fresh
    # interpreter does exactly this on first use, and the module itself is fingerprinted, so it is no
    # state a call could plant; any other value bound there still counts as a change.
    if before is not None or type(now) is not types.ModuleType or type(name) is not str:
        return False
    module_name = vars(now).get('__name__')  # the module's dict, not its (patchable) attribute lookup
    return type(module_name) is str and _sys_modules.get(module_name) is now and name.lstrip('_') == module_name.rpartition('.')[2]


def _module_dicts_unchanged(entries):
    """Like _unchanged, for the module dicts, where a lazy import is adopted into the baseline
    (so the next call compares against it) rather than replacing the interpreter on every call."""
    for index, (d, (keys, values)) in enumerate(entries):
        if len(d) != len(keys) or not all(map(operator.is_, d, keys)):
            return False
        now = tuple(d.values())
        if all(map(operator.is_, now, values)):
            continue
        for name, before, value in zip(keys, values, now):
            if not (_same(before, value) or _is_lazy_import(name, before, value)):
                return False
        entries[index] = (d, (keys, now))
    return True


_C_STATE_NAMES = (
    'the recursion limit', 'the int max str digits', 'sys.settrace', 'sys.setprofile', 'sys.excepthook', 'sys.displayhook',
    'sys.unraisablehook', 'sys.breakpointhook', 'sys.stdout', 'sys.stderr', 'sys.stdin', 'sys.path', 'sys.meta_path',
    'sys.path_hooks', 'warnings.filters', 'gc.callbacks', 'gc.isenabled', 'gc thresholds', 'the working directory',
    'the files in /tmp', 'os.environ', 'os.environ', 'atexit callbacks', 'sys.monitoring tools',
)


def _changed_state(baseline):
    """The first thing found changed since setup, or None. Identity comparisons only."""
    if vars(sys).get('modules') is not _sys_modules:
        return 'sys.modules was replaced'
    names, modules = baseline['modules']
    if len(sys.modules) != len(names) or not all(map(operator.is_, sys.modules, names)) \
            or not all(map(operator.is_, sys.modules.values(), modules)):
        return 'sys.modules changed (a module was added, removed or replaced)'
    if not all(map(operator.is_, map(type, sys.modules.values()), baseline['module_types'])):
        return 'a module object changed its class'
    if not _module_dicts_unchanged(baseline['dicts']):
        return 'a module attribute (or the builtins, or the event loop) was changed'
    if not _unchanged(baseline['classes']):
        return 'a class attribute was changed'
    loop_now = _loop_state()
    if not _same(baseline['loop'], loop_now):
        keys = sorted({k for k, _ in baseline['loop']} ^ {k for k, _ in loop_now} | {
            k for (k, v), (k2, v2) in zip(baseline['loop'], loop_now) if k == k2 and not _same(v, v2)})
        return f"the event loop was changed ({', '.join(keys)[:200]})"
    for name, before, now in zip(_C_STATE_NAMES, baseline['c_state'], _c_state()):
        if not _same(before, now):
            return f'{name} changed'
    # Frozen objects that die lower the count by themselves (a cache entry from the snapshot let go);
    # only gc.freeze() (the count grows) or gc.unfreeze() (it drops to zero) is tool code's doing.
    frozen = gc.get_freeze_count()
    if frozen > baseline['frozen'] or frozen == 0:
        return 'gc.freeze changed'
    return None


# What hands tool code the runtime's own objects or frames (a trace or profile function is called for
# every frame that runs later, ours included; the gc walkers find any object): refused outright, since
# recycling after the call would be too late for what the call itself could reach.
_AUDIT_REFUSALS = {
    'sys.settrace': 'sys.settrace', 'sys.setprofile': 'sys.setprofile', 'sys._current_frames': 'sys._current_frames',
    'sys._current_exceptions': 'sys._current_exceptions', 'gc.get_objects': 'gc.get_objects',
    'gc.get_referrers': 'gc.get_referrers', 'gc.get_referents': 'gc.get_referents',
    'sys.monitoring.register_callback': 'sys.monitoring.register_callback',
}
_AUDIT_TAINTS = {
    'os.putenv': 'the environment was changed', 'os.unsetenv': 'the environment was changed',
    'os.chdir': 'the working directory was changed', 'os.fchdir': 'the working directory was changed',
    'os.remove': 'a file was removed', 'os.rename': 'a file was renamed', 'os.rmdir': 'a directory was removed',
    'os.mkdir': 'a directory was created', 'os.symlink': 'a symlink was created', 'os.link': 'a link was created',
    'os.truncate': 'a file was truncated', 'os.chmod': 'file permissions were changed', 'os.utime': 'file times were changed',
    'os.chown': 'a file owner was changed', 'shutil.rmtree': 'a directory tree was removed',
    'sys.setrecursionlimit': 'the recursion limit was changed',
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _audit(event, args):
    # Installed once at setup, before any tool code; it outlives every call, so it must stay cheap and
    # never run tool code: it only looks at exact built-in types.
    if type(event) is not str:
        return
    reason = _AUDIT_TAINTS.get(event)
    if reason is not None:
        _taint.append(reason)
    elif event in _AUDIT_REFUSALS:
        raise RuntimeError(f'{_AUDIT_REFUSALS[event]} is not available to tools: it hands out the runtime\'s own objects and frames')
    elif event == 'sys.addaudithook':
        _taint.append('sys.addaudithook was called')
        raise RuntimeError('sys.addaudithook is not available to tools')
    elif event == 'open':
        mode, flags = (args[1], args[2]) if type(args) is tuple and len(args) == 3 else (None, None)
        if (type(mode) is str and ('w' in mode or 'a' in mode or 'x' in mode or '+' in mode)) or \
                (type(flags) is int and flags & _WRITE_FLAGS):
            _taint.append('a file was opened for writing')
    elif event in ('object.__setattr__', 'object.__delattr__'):
        if type(args) is tuple and args and issubclass(type(args[0]), type):
            _taint.append('a class attribute was changed')
    elif event.startswith('ctypes.'):
        _taint.append('ctypes was used')


# ---------- the call ----------

def _compile(source):
    key = _sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()
    code = _code_cache.get(key)
    if code is None:
        code = compile(source, _wall['TOOL_FILENAME'], 'exec', dont_inherit=True)
        if len(_code_cache) >= _CACHE_SIZE:
            _code_cache.pop(next(iter(_code_cache)))
        _code_cache[key] = code
    return code


def _left_behind(stuck_tasks, stuck_handles, regrown):
    """What the call left behind or changed, as a reason string, or None when the interpreter is as
    it was at setup. Called with the counts the end-of-call task reported."""
    if not (type(stuck_tasks) is int and type(stuck_handles) is int and type(regrown) is int):
        return 'the end-of-call cleanup reported something unreadable'
    if stuck_tasks:
        return f'{stuck_tasks} task(s) the call started kept running after being cancelled'
    if stuck_handles:
        return f'{stuck_handles} loop callback(s) the call scheduled had not run when it returned'
    if regrown:
        return 'a finalizer or weakref callback created new garbage during the end-of-call collection'
    if _taint:
        return _taint[0]
    return _changed_state(_state['baseline'])


_UNREADABLE = {'type': 'SandboxError', 'message': 'the tool changed the runtime so that its outcome could not be read'}
_TIMED_OUT = {'type': 'TimeoutError', 'message': 'the tool exceeded its time limit and was cancelled'}


def _checked_outcome(value):
    # What the trampoline returned, accepted only in its exact shape and built-in types: the wall is
    # tool-reachable, so it may have been patched to return anything.
    if type(value) is not tuple or len(value) != 2:
        return False, _UNREADABLE
    ok, payload = value
    if ok is True and type(payload) is str:
        return True, payload
    if ok is False and type(payload) is dict and all(type(k) is str for k in payload) \
            and all(type(v) is str or type(v) is int for v in payload.values()) and 'type' in payload and 'message' in payload:
        return False, payload
    return False, _UNREADABLE


# A call runs in phases that JS drives (child/py-worker.ts): start_call (here), then JS awaits the
# end-of-call task (the wall's settle, which awaits the tool's task), then finish_call (here). Both
# phases here are synchronous: no coroutine or frame of the runner is alive while tool code runs, so
# no task, frame or callback tool code can find leads back to this namespace. Between the phases the
# runner touches what tool code could have changed only by identity and exact type, and lets go of
# nothing tool code touched (the wall's graveyard does, when JS empties it).

def start_call(call_id, server, source, args_json, secrets_json, allowed_json, heap_cap_mib):
    """Phase 1, while the interpreter is as setup left it: read the arguments, compile, start the
    tool's task and the end-of-call task. Returns both: JS awaits the second and cancels the first
    (on the time limit) itself, so no cancellation runs below a frame of ours."""
    wall = _wall
    loop = _state['loop']
    del _taint[:]
    out = wall['CappedOutput']()
    before = frozenset(id(t) for t in _all_tasks())
    task = ready = None
    allowed = frozenset()
    try:
        allowed = frozenset(_loads(allowed_json))
        args = _loads(args_json)
        secrets = _loads(secrets_json)
        code = _compile(source)
    except RecursionError:
        ready = (False, {'type': 'RecursionError', 'message': 'the arguments are nested too deeply to read'})
    except SyntaxError as e:
        ready = (False, wall['describe_error'](e, source.splitlines(), heap_cap_mib))
    if ready is None:
        # The tool's context: its output buffer, its server's allowlist. The end of the call runs in a
        # context of its own where nothing is printed and nothing may be imported.
        tool_context = contextvars.Context()
        tool_context.run(wall['output'].set, out)
        tool_context.run(wall['allowed_modules'].set, allowed)
        tool_context.run(wall['server_name'].set, server)
        http = _http_factory['create'](_state['make_transport'](call_id))
        task = loop.create_task(wall['execute'](code, source, args, secrets, http, heap_cap_mib), context=tool_context)
    settle_context = contextvars.Context()
    settle_context.run(wall['allowed_modules'].set, frozenset())
    settle_context.run(wall['server_name'].set, server)
    end = loop.create_task(wall['settle'](task, ready, out, _state['close_bridge'], before, _CANCEL_TURNS), context=settle_context)
    _calls[call_id] = (end, _perf_counter())
    return end, task


def finish_call(call_id):
    """Phase 3, after JS saw the end-of-call task finish: check the outcome's shape, check the
    interpreter against the baseline, and encode the outcome."""
    end, started = _calls.pop(call_id)
    _wall['graveyard'].append(end)  # the task holds tool data; JS lets go of it with bury()
    # The task's own methods may have been patched (its class is tool-reachable): read it through the
    # C implementation's.
    if not _future_done(end):  # JS was told the task ended (a forged done-callback) and it had not
        ok, payload, stdout, dirty = False, _UNREADABLE, '', 'the end-of-call task was resumed out of turn'
    else:
        reported = None if _future_cancelled(end) else _future_result(end)
        if type(reported) is tuple and len(reported) == 5:
            ready, stdout, stuck_tasks, stuck_handles, regrown = reported
            ok, payload = _checked_outcome(ready)
            stdout = stdout if type(stdout) is str else ''
            dirty = _left_behind(stuck_tasks, stuck_handles, regrown) if _state['hygiene'] else None
        else:
            ok, payload, stdout, dirty = False, _UNREADABLE, '', 'the end-of-call task reported something unreadable'
    del _taint[:]
    duration = (_perf_counter() - started) * 1000
    tail = (',"dirty":' + _dumps(dirty)) if dirty else ''
    if ok:
        outcome = '{"ok":true,"result":' + payload + ',"stdout":' + _dumps(stdout) + ',"duration_ms":' + repr(duration) + tail + '}'
    else:
        outcome = _dumps({'ok': False, 'error': payload, 'stdout': stdout, 'duration_ms': duration})[:-1] + tail + '}'
    if len(outcome) > ENCODED_OUTCOME_LIMIT:  # escapes can multiply size (\u0000 is six characters)
        outcome = _dumps({'ok': False, 'stdout': '', 'duration_ms': duration, 'error': {
            'type': 'ResultError',
            'message': 'the result and printed output together are too large to return once encoded; return or print less'}})[:-1] + tail + '}'
    return outcome


_http_factory = {'create': None, 'namespace': None}


def load_http_client(source):
    """Snapshot time: compile the `http` client module (runner/http_client.py) once."""
    ns = {'__name__': 'mcpbox_http_client'}
    exec(compile(source, '/lib/mcpbox/http_client.py', 'exec'), ns)
    _trusted_namespace_ids.add(id(ns))
    _http_factory['namespace'] = ns
    _http_factory['create'] = ns['create_http']


def setup(make_transport, close_bridge, hygiene):
    """Worker start (after the snapshot is loaded), before any tool code: connect the bridge, claim
    stdout, close the loop's side doors, take the hygiene baseline, install the audit hook."""
    _state['make_transport'] = make_transport
    _state['close_bridge'] = close_bridge
    _state['hygiene'] = bool(hygiene)
    _state['loop'] = asyncio.get_event_loop()
    _wall['_trusted_namespace_ids'] = frozenset(_trusted_namespace_ids)
    sys.stdout = _wall['CallStream']()
    sys.stderr = _wall['CallStream']()
    from pyodide import webloop
    _wall['_real_call_later'] = webloop.WebLoop.call_later
    _wall['_real_schedule_callback'] = webloop.scheduleCallback
    webloop.WebLoop.call_later = _wall['call_later']
    webloop.scheduleCallback = _wall['schedule_callback']
    # JS hands us nothing else; the runner is reachable only through the proxies the worker holds.
    sys.modules.pop('mcpbox_runner', None)
    # JS doors the runtime does not need once it runs (the worker removes the JS side of them).
    import pyodide.ffi
    import _pyodide_core
    for module in (pyodide.ffi, _pyodide_core):
        for name in ('create_proxy', 'to_js', 'register_js_module', 'unregister_js_module'):
            module.__dict__.pop(name, None)
    # Everything alive now belongs to the runtime: move it out of the collector's generations, so the
    # end-of-call collection only walks what calls allocate, and gc walks from tool code see none of it.
    gc.collect()
    gc.freeze()
    _state['baseline'] = _take_baseline()
    sys.addaudithook(_audit)


_trusted_namespace_ids.add(id(globals()))
