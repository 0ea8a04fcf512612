# Static analysis of a tool's source with Python's own `ast`: validity, the input JSON schema derived
# from `async def main(...)`'s signature, the description (main's docstring, else the module's) and
# the modules it imports. Nothing here executes tool code. Loaded next to runner.py.
#
# Annotation → schema: str/int/float/bool → string/integer/number/boolean; list[T] (List, Sequence,
# tuple, set) → array of T; dict[str, T] (Dict, Mapping) → object with additionalProperties T;
# Optional[T] / T | None → T or null; Union[A, B] / A | B → anyOf; Literal[...] → enum; Any, object
# or no annotation → {} (any JSON). A parameter with a default is not required and carries `default`
# when the default is a literal.

import ast
import json

_SIMPLE = {'str': 'string', 'int': 'integer', 'float': 'number', 'bool': 'boolean',
           'dict': 'object', 'list': 'array', 'tuple': 'array', 'set': 'array', 'frozenset': 'array',
           'bytes': 'string', 'None': 'null', 'NoneType': 'null'}
_ARRAYS = {'list', 'List', 'Sequence', 'tuple', 'Tuple', 'set', 'Set', 'frozenset', 'FrozenSet', 'Iterable'}
_OBJECTS = {'dict', 'Dict', 'Mapping', 'MutableMapping'}
_ANY = {'Any', 'object'}


def _name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Optional, t.List
        return node.attr
    return None


def _nullable(schema):
    if schema == {}:
        return {}
    t = schema.get('type')
    if isinstance(t, str) and set(schema) <= {'type', 'items', 'additionalProperties', 'enum', 'uniqueItems'}:
        out = dict(schema)
        out['type'] = [t, 'null']
        if 'enum' in out:
            out['enum'] = list(out['enum']) + [None]
        return out
    return {'anyOf': [schema, {'type': 'null'}]}


def _union(members):
    schemas = [annotation_schema(m) for m in members]
    if any(s == {} for s in schemas):
        return {}
    non_null = [s for s in schemas if s != {'type': 'null'}]
    if len(non_null) < len(schemas):
        inner = non_null[0] if len(non_null) == 1 else {'anyOf': non_null}
        return _nullable(inner)
    return {'anyOf': schemas}


def _flatten_bitor(node):
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flatten_bitor(node.left) + _flatten_bitor(node.right)
    return [node]


def annotation_schema(node):
    if node is None:
        return {}
    if isinstance(node, ast.Constant):
        if node.value is None:
            return {'type': 'null'}
        if isinstance(node.value, str):  # string annotation: "list[str]"
            try:
                return annotation_schema(ast.parse(node.value, mode='eval').body)
            except SyntaxError:
                return {}
        return {}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union(_flatten_bitor(node))
    name = _name(node)
    if name is not None:
        if name in _ANY:
            return {}
        if name in _SIMPLE:
            return {'type': _SIMPLE[name]}
        if name in _ARRAYS:
            return {'type': 'array'}
        if name in _OBJECTS:
            return {'type': 'object'}
        return {}
    if isinstance(node, ast.Subscript):
        base = _name(node.value)
        params = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == 'Optional' and len(params) == 1:
            return _nullable(annotation_schema(params[0]))
        if base == 'Union':
            return _union(params)
        if base == 'Literal':
            values = []
            for p in params:
                if isinstance(p, ast.Constant) and isinstance(p.value, (str, int, float, bool, type(None))):
                    values.append(p.value)
            schema = {'enum': values}
            kinds = {type(v) for v in values}
            if len(kinds) == 1:
                t = _SIMPLE.get(next(iter(kinds)).__name__)
                if t:
                    schema['type'] = t
            return schema
        if base == 'Annotated' and params:
            return annotation_schema(params[0])
        if base in _ARRAYS:
            homogeneous = len(params) == 1 or (
                len(params) == 2 and isinstance(params[1], ast.Constant) and params[1].value is Ellipsis)
            if base in ('tuple', 'Tuple') and not homogeneous:
                return {'type': 'array', 'prefixItems': [annotation_schema(p) for p in params],
                        'minItems': len(params), 'maxItems': len(params)}
            schema = {'type': 'array'}
            item = annotation_schema(params[0])
            if item != {}:
                schema['items'] = item
            if base in ('set', 'Set', 'frozenset', 'FrozenSet'):
                schema['uniqueItems'] = True
            return schema
        if base in _OBJECTS:
            schema = {'type': 'object'}
            if len(params) == 2:
                value = annotation_schema(params[1])
                if value != {}:
                    schema['additionalProperties'] = value
            return schema
    return {}


_NO_DEFAULT = object()


def _literal_default(node):
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NO_DEFAULT
    if isinstance(value, tuple):
        value = list(value)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return _NO_DEFAULT
    return value


def _input_schema(fn):
    a = fn.args
    properties = {}
    required = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    params = list(zip(positional, defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
    for arg, default in params:
        schema = dict(annotation_schema(arg.annotation))
        if default is None:
            required.append(arg.arg)
        else:
            value = _literal_default(default)
            if value is not _NO_DEFAULT:
                schema['default'] = value
        properties[arg.arg] = schema
    out = {'type': 'object', 'properties': properties}
    if required:
        out['required'] = required
    return out


def _imports(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return sorted(names)


def _error(line, col, message):
    return {'line': max(1, int(line or 1)), 'col': max(1, int(col or 1)), 'message': message}


def analyze(source):
    result = {'valid': False, 'errors': [], 'input_schema': {'type': 'object', 'properties': {}},
              'description': '', 'imports': []}
    try:
        tree = ast.parse(source, filename='<tool>')
    except SyntaxError as e:
        result['errors'].append(_error(e.lineno, e.offset, f'syntax error: {e.msg}'))
        return result
    except (ValueError, MemoryError, RecursionError) as e:
        result['errors'].append(_error(1, 1, f'the source cannot be parsed: {type(e).__name__}: {e}'))
        return result
    result['imports'] = _imports(tree)
    mains = [n for n in tree.body if isinstance(n, (ast.AsyncFunctionDef, ast.FunctionDef)) and n.name == 'main']
    if not mains:
        result['errors'].append(_error(1, 1, 'no `async def main(...)` at the top level of the tool; define one — '
                                             'its parameters become the tool\'s input and its return value the result'))
        result['description'] = ast.get_docstring(tree) or ''
        return result
    main = mains[-1]
    if isinstance(main, ast.FunctionDef):
        result['errors'].append(_error(main.lineno, main.col_offset + 1,
                                       '`main` must be async: write `async def main(...)` instead of `def main(...)`'))
    if main.args.vararg or main.args.kwarg:
        result['errors'].append(_error(main.lineno, main.col_offset + 1,
                                       '`main` must not take *args or **kwargs: name each parameter so it can be described'))
    result['input_schema'] = _input_schema(main)
    result['description'] = (ast.get_docstring(main) or ast.get_docstring(tree) or '').strip()
    result['valid'] = not result['errors']
    return result


def analyze_many(sources_json):
    out = []
    for source in json.loads(sources_json):
        try:
            out.append(analyze(source))
        except RecursionError:
            out.append({'valid': False, 'errors': [_error(1, 1, 'the source is nested too deeply to analyze')],
                        'input_schema': {'type': 'object', 'properties': {}}, 'description': '', 'imports': []})
    return json.dumps(out)
