"""The `http` global that tools use: a small, httpx-like async client.

Tools never touch a socket. Every request becomes one JSON string handed to the host's
`host_http(request_json) -> response_json` function; the parent process checks it against the
server's network grants and the SSRF guard, runs it, and answers with JSON. Only strings cross
that line, so no JavaScript object ever reaches the tool.

    resp = await http.get("https://api.example.com/items", params={"q": "x"})
    resp.raise_for_status()
    items = resp.json()

Refusals (missing grant, blocked address, timeout, too large, ...) raise HttpError with the
bridge's message, which says what to ask for.
"""

import base64
import json as _json
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["HttpClient", "HttpError", "HttpStatusError", "Headers", "Response", "create_http"]

_REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
    302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
    308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 410: "Gone",
    422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


class HttpError(Exception):
    """A request that could not be made or completed. `code` is the bridge's reason, e.g. 'not_granted'."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        self.code = code


class HttpStatusError(HttpError):
    """Raised by Response.raise_for_status() for 4xx and 5xx answers."""

    def __init__(self, message, response):
        super().__init__(message, code="http_status")
        self.response = response


class Headers(Mapping):
    """Read-only, case-insensitive header mapping."""

    def __init__(self, items=None):
        self._items = {}
        for name, value in dict(items or {}).items():
            self._items[str(name).lower()] = (str(name), str(value))

    def __getitem__(self, name):
        return self._items[str(name).lower()][1]

    def __iter__(self):
        return (original for original, _ in self._items.values())

    def __len__(self):
        return len(self._items)

    def __contains__(self, name):
        return isinstance(name, str) and name.lower() in self._items

    def __repr__(self):
        return f"Headers({dict(self.items())!r})"


def _charset(content_type):
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"')
    return None


class Response:
    def __init__(self, status_code, headers, content, url, text=None):
        self.status_code = status_code
        self.headers = Headers(headers)
        self.content = content
        self.url = url
        self._text = text

    @property
    def text(self):
        if self._text is None:
            encoding = _charset(self.headers.get("content-type", "")) or "utf-8"
            try:
                self._text = self.content.decode(encoding, errors="replace")
            except LookupError:
                self._text = self.content.decode("utf-8", errors="replace")
        return self._text

    @property
    def reason_phrase(self):
        return _REASONS.get(self.status_code, "")

    @property
    def is_success(self):
        return 200 <= self.status_code < 300

    def json(self):
        try:
            return _json.loads(self.text)
        except ValueError as err:
            raise HttpError(f"the response from {_origin(self.url)} is not JSON ({err}); look at .text") from None

    def raise_for_status(self):
        if self.status_code >= 400:
            kind = "client error" if self.status_code < 500 else "server error"
            reason = f" {self.reason_phrase}" if self.reason_phrase else ""
            raise HttpStatusError(f"{kind} {self.status_code}{reason} for {_origin(self.url)}", self)
        return self

    def __repr__(self):
        return f"<Response [{self.status_code}]>"


def _origin(url):
    # Error messages reach the LLM, and a tool may put a secret in the path or query: show the
    # scheme and host only.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.scheme else ""


def _with_params(url, params):
    if not params:
        return url
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    flat = []
    for key, value in pairs:
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is None:
                continue
            flat.append((str(key), "true" if v is True else "false" if v is False else str(v)))
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + flat
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


class HttpClient:
    def __init__(self, transport):
        # transport: async (request_json: str) -> str, provided by the sandbox runtime.
        self._transport = transport

    async def request(self, method, url, *, params=None, headers=None, json=None, data=None,
                      content=None, timeout=None, follow_redirects=True):
        if not isinstance(url, str):
            raise HttpError(f"url must be a string, not {type(url).__name__}", "bad_request")
        out_headers = {str(k): str(v) for k, v in dict(headers or {}).items()}
        lower = {k.lower() for k in out_headers}
        body = None
        if sum(x is not None for x in (json, data, content)) > 1:
            raise HttpError("pass only one of json=, data= or content=", "bad_request")
        if json is not None:
            body = _json.dumps(json).encode("utf-8")
            if "content-type" not in lower:
                out_headers["Content-Type"] = "application/json"
        elif isinstance(data, Mapping):
            body = urlencode(list(data.items()), doseq=True).encode("utf-8")
            if "content-type" not in lower:
                out_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None or content is not None:
            raw = data if data is not None else content
            if isinstance(raw, str):
                body = raw.encode("utf-8")
            elif isinstance(raw, (bytes, bytearray, memoryview)):
                body = bytes(raw)
            else:
                raise HttpError(f"content must be str or bytes, not {type(raw).__name__}", "bad_request")

        req = {"method": str(method).upper(), "url": _with_params(url, params), "headers": out_headers,
               "followRedirects": bool(follow_redirects)}
        if body is not None:
            try:
                req["body"] = body.decode("utf-8")
                req["bodyEncoding"] = "utf8"
            except UnicodeDecodeError:
                req["body"] = base64.b64encode(body).decode("ascii")
                req["bodyEncoding"] = "base64"
        if timeout is not None:
            if not isinstance(timeout, (int, float)) or timeout <= 0:
                raise HttpError("timeout must be a positive number of seconds", "bad_request")
            req["timeoutMs"] = max(1, int(timeout * 1000))

        raw_reply = await self._transport(_json.dumps(req))
        if not isinstance(raw_reply, str):
            raise HttpError("the network bridge answered with something other than text", "bridge_error")
        reply = _json.loads(raw_reply)
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise HttpError(str(error.get("message", "the request failed")), error.get("code"))
        res = reply["response"]
        if res.get("bodyEncoding") == "base64":
            body_bytes = base64.b64decode(res.get("body", ""))
            text = None
        else:
            text = res.get("body", "")
            body_bytes = text.encode("utf-8")
            charset = _charset(dict((k.lower(), v) for k, v in res.get("headers", {}).items()).get("content-type", ""))
            if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
                text = None  # let .text decode with the declared charset
        return Response(int(res["status"]), res.get("headers", {}), body_bytes, str(res.get("url", url)), text)

    async def get(self, url, params=None, headers=None, timeout=None, follow_redirects=True):
        return await self.request("GET", url, params=params, headers=headers, timeout=timeout,
                                  follow_redirects=follow_redirects)

    async def head(self, url, params=None, headers=None, timeout=None, follow_redirects=True):
        return await self.request("HEAD", url, params=params, headers=headers, timeout=timeout,
                                  follow_redirects=follow_redirects)

    async def options(self, url, params=None, headers=None, timeout=None):
        return await self.request("OPTIONS", url, params=params, headers=headers, timeout=timeout)

    async def post(self, url, json=None, data=None, content=None, headers=None, params=None, timeout=None):
        return await self.request("POST", url, json=json, data=data, content=content, headers=headers,
                                  params=params, timeout=timeout)

    async def put(self, url, json=None, data=None, content=None, headers=None, params=None, timeout=None):
        return await self.request("PUT", url, json=json, data=data, content=content, headers=headers,
                                  params=params, timeout=timeout)

    async def patch(self, url, json=None, data=None, content=None, headers=None, params=None, timeout=None):
        return await self.request("PATCH", url, json=json, data=data, content=content, headers=headers,
                                  params=params, timeout=timeout)

    async def delete(self, url, json=None, data=None, content=None, headers=None, params=None, timeout=None):
        return await self.request("DELETE", url, json=json, data=data, content=content, headers=headers,
                                  params=params, timeout=timeout)


def create_http(transport):
    """The `http` global for one sandbox: `transport` is the runtime's `host_http`."""
    return HttpClient(transport)
