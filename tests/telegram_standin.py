"""A loopback stand-in of the Telegram Bot API, for end-to-end tests and the benchmark.

It serves `/bot<token>/<method>` and `/file/bot<token>/<path>` on 127.0.0.1 (ephemeral port),
queues the updates a test injects for `getUpdates` (honouring offset, limit and timeout), records
every call (failed ones too), validates what Telegram validates (HTML entities, text length,
callback data size) and can fail the next N calls of a method with a 429 (retry_after) or a 502.

It runs in a thread of the test process (`StandIn.start()`) or in its own process
(`StandIn.start(process=True)`, used by the benchmark); both are driven through the same
Python API, which talks to the server over HTTP (`/_control/...`):

    with StandIn.start(token="123:abc") as api:
        api.send_text(42, "bonjour")
        ...
        await api.wait_for(lambda: api.sent(42))
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Candibot", "username": "candibot_test_bot"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "blockquote", "span"}
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
# Parameters kept as the raw strings PTB sent (everything else is JSON-decoded when possible).
RAW_KEYS = {"text", "caption", "secret_token", "url", "callback_query_id", "action", "parse_mode",
            "file_id", "filename"}


class _EntityChecker(HTMLParser):
    """Parses a text in Telegram's HTML mode: allowed tags, balanced, visible length."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.visible: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.error = f"Unmatched end tag \"{tag}\""

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def check_html(text: str) -> tuple[str | None, int]:
    """(error or None, visible length in UTF-16 code units) of a text sent with parse_mode=HTML."""
    # Telegram rejects a bare "<" or "&" that does not start a tag or an entity.
    for i, char in enumerate(text):
        if char == "&":
            end = text.find(";", i)
            if end == -1 or html.unescape(text[i:end + 1]) == text[i:end + 1]:
                return "Can't parse entities: unsupported character entity", 0
    parser = _EntityChecker()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f"Can't find end tag corresponding to start tag \"{parser.stack[-1]}\""
    visible = "".join(parser.visible)
    return parser.error, len(visible.encode("utf-16-le")) // 2


class _Server:
    """The server's state and routes (runs inside one event loop)."""

    def __init__(self, token: str):
        self.token = token
        self.pending: list[dict] = []
        # Update ids grow from the current time (µs), like a bot's real ids, so that stand-ins
        # started one after the other never reuse an id a shared database has already claimed.
        self.update_ids = itertools.count(time.time_ns() // 1000)
        self.message_ids = itertools.count(1)
        self.file_ids = itertools.count(1)
        self.calls: list[dict] = []
        self.failures: dict[str, list[dict]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.new_update = asyncio.Event()
        self.webhook: dict[str, Any] = {}
        self.closing = False
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self.api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self.file)
        self.app.router.add_post("/_control/{action}", self.control)

    # --- Bot API -----------------------------------------------------------------------------

    async def api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, upload = await _read_params(request)
        call = {"seq": len(self.calls), "method": method, "params": params, "t": time.monotonic()}
        self.calls.append(call)
        queued = self.failures.get(method.lower())
        if queued:
            failure = queued.pop(0)
            call.update(ok=False, status=failure["status"])
            if failure["status"] == 429:
                retry_after = failure.get("retry_after", 1)
                return _error(429, f"Too Many Requests: retry after {retry_after}",
                              parameters={"retry_after": retry_after})
            return web.Response(status=failure["status"], text="<html>Bad Gateway</html>",
                                content_type="text/html")
        handler = getattr(self, "m_" + method.lower(), None)
        if handler is None:
            call.update(ok=False, status=404)
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params, upload) if upload is not None else await handler(params)
        except _BadRequest as exc:
            call.update(ok=False, status=400, error=str(exc))
            return _error(400, f"Bad Request: {exc}")
        call.update(ok=True, status=200, result=result)
        return web.json_response({"ok": True, "result": result})

    async def m_getme(self, params: dict) -> dict:
        return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def m_getupdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset or u.get("_again")]
        deadline = time.monotonic() + timeout
        while not self.pending and not self.closing and time.monotonic() < deadline:
            self.new_update.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.new_update.wait(), deadline - time.monotonic())
        batch = self.pending[:limit]
        for update in batch:
            update.pop("_again", None)
        return batch

    async def m_deletewebhook(self, params: dict) -> bool:
        self.webhook = {}
        return True

    async def m_setwebhook(self, params: dict) -> bool:
        self.webhook = dict(params)
        return True

    async def m_getwebhookinfo(self, params: dict) -> dict:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0}

    async def m_setmycommands(self, params: dict) -> bool:
        for command in params.get("commands", []):
            if not (1 <= len(command["command"]) <= 32) or not command["command"].islower():
                raise _BadRequest("BOT_COMMAND_INVALID")
            if not (1 <= len(command["description"]) <= 256):
                raise _BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    async def m_sendchataction(self, params: dict) -> bool:
        return True

    async def m_answercallbackquery(self, params: dict) -> bool:
        return True

    async def m_sendmessage(self, params: dict) -> dict:
        text = params.get("text", "")
        self._check_text(text, params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        message = self._message(params["chat_id"], text=text)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def m_editmessagetext(self, params: dict) -> dict:
        self._check_text(params.get("text", ""), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        return {**self._message(params["chat_id"], text=params.get("text", "")),
                "message_id": params["message_id"]}

    async def m_editmessagereplymarkup(self, params: dict) -> dict:
        self._check_markup(params.get("reply_markup"))
        return {**self._message(params["chat_id"], text="…"), "message_id": params["message_id"]}

    async def m_senddocument(self, params: dict, upload: dict) -> dict:
        if "document" not in upload:
            raise _BadRequest("there is no document in the request")
        filename, content = upload["document"]
        if params.get("caption"):
            self._check_text(params["caption"], params.get("parse_mode"), limit=1024)
        file_id = f"DOC{next(self.file_ids)}"
        self.files[file_id] = (filename, content)
        params["document"] = {"file_id": file_id, "file_name": filename, "size": len(content)}
        message = self._message(params["chat_id"])
        message["document"] = {"file_id": file_id, "file_unique_id": file_id,
                               "file_name": filename, "file_size": len(content)}
        return message

    async def m_getfile(self, params: dict) -> dict:
        file_id = params["file_id"]
        if file_id not in self.files:
            raise _BadRequest("invalid file_id")
        filename, content = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(content),
                "file_path": f"documents/{file_id}"}

    async def m_close(self, params: dict) -> bool:
        return True

    async def file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return _error(404, "Not Found")
        return web.Response(body=self.files[file_id][1])

    def _message(self, chat_id: Any, **fields: Any) -> dict:
        chat = {"id": int(chat_id), "type": "private", "first_name": "Agent"}
        return {"message_id": next(self.message_ids), "date": int(time.time()), "chat": chat,
                "from": BOT_USER, **fields}

    @staticmethod
    def _check_text(text: str, parse_mode: str | None, limit: int = MAX_TEXT) -> None:
        if parse_mode and parse_mode.upper() == "HTML":
            error, length = check_html(text)
            if error:
                raise _BadRequest(error)
        else:
            length = len(text.encode("utf-16-le")) // 2
        if not text.strip():
            raise _BadRequest("message text is empty")
        if length > limit:
            raise _BadRequest("message is too long")

    @staticmethod
    def _check_markup(markup: Any) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not (1 <= len(data.encode()) <= MAX_CALLBACK_DATA):
                    raise _BadRequest("BUTTON_DATA_INVALID")

    # --- control -----------------------------------------------------------------------------

    async def control(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        action = request.match_info["action"]
        if action == "updates":
            added = []
            for update in body["updates"]:
                again = "update_id" in update
                update = dict(update)
                update.setdefault("update_id", next(self.update_ids))
                if again:
                    update["_again"] = True
                self.pending.append(update)
                added.append(update["update_id"])
            self.new_update.set()
            return web.json_response(added)
        if action == "calls":
            since = body.get("since", 0)
            return web.json_response(self.calls[since:])
        if action == "fail":
            self.failures.setdefault(body["method"].lower(), []).extend(
                [{"status": body["status"], "retry_after": body.get("retry_after", 1)}] * body["n"]
            )
            return web.json_response(True)
        if action == "file":
            filename, content = self.files[body["file_id"]]
            return web.Response(body=content, headers={"X-File-Name": filename.encode().hex()})
        if action == "state":
            return web.json_response({"pending": len(self.pending), "webhook": self.webhook})
        return _error(404, "unknown control action")


class _BadRequest(Exception):
    pass


def _error(status: int, description: str, **extra: Any) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description, **extra},
                             status=status)


async def _read_params(request: web.Request) -> tuple[dict, dict | None]:
    """The call's parameters (JSON-decoded like Telegram does) and its uploaded files."""
    if request.content_type == "application/json":
        return await request.json(), None
    params: dict[str, Any] = dict(request.query)
    upload: dict[str, tuple[str, bytes]] | None = None
    if request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                upload = upload or {}
                upload[key] = (value.filename, value.file.read())
            else:
                params[key] = value
    for key, value in list(params.items()):
        if key not in RAW_KEYS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params, upload


async def _serve(token: str, port: int = 0) -> tuple[web.AppRunner, int, _Server]:
    server = _Server(token)
    runner = web.AppRunner(server.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1], server


class StandIn:
    """The test-side API of a running stand-in (thread or process)."""

    def __init__(self, token: str, port: int):
        self.token = token
        self.port = port
        self.root = f"http://127.0.0.1:{port}"
        self._users = itertools.count(1)

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def start(cls, token: str = "123456:TEST-token", process: bool = False) -> Iterator["StandIn"]:
        if process:
            proc = subprocess.Popen([sys.executable, __file__, "--token", token],
                                    stdout=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline()
                yield cls(token, int(line.split()[1]))
            finally:
                proc.terminate()
                proc.wait(10)
            return
        loop = asyncio.new_event_loop()
        ready: dict[str, Any] = {}
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            ready["runner"], ready["port"], ready["server"] = loop.run_until_complete(_serve(token))
            started.set()
            loop.run_forever()
            ready["server"].closing = True  # long polls answer now
            ready["server"].new_update.set()
            loop.run_until_complete(ready["runner"].cleanup())
            loop.close()

        thread = threading.Thread(target=serve, name="telegram-standin", daemon=True)
        thread.start()
        started.wait(10)
        try:
            yield cls(token, ready["port"])
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)

    @property
    def base_url(self) -> str:
        """What the bot is given as `--base-url` (the root of a self-hosted Bot API server)."""
        return self.root

    # --- control -----------------------------------------------------------------------------

    def _control(self, action: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.root}/_control/{action}", data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
            if action == "file":
                return bytes.fromhex(response.headers["X-File-Name"]).decode(), payload
            return json.loads(payload)

    def push(self, *updates: dict) -> list[int]:
        """Queue raw updates for getUpdates; returns their update ids. An update that already has
        an `update_id` is delivered again even if it was confirmed (a crash replay)."""
        return self._control("updates", {"updates": list(updates)})

    def fail_next(self, method: str, n: int = 1, status: int = 429, retry_after: int = 1) -> None:
        """The next `n` calls of `method` fail with `status` (429 carries `retry_after`)."""
        self._control("fail", {"method": method, "n": n, "status": status, "retry_after": retry_after})

    def calls(self, method: str | None = None, since: int = 0) -> list[dict]:
        """Every recorded call (in order), optionally of one method only."""
        calls = self._control("calls", {"since": since})
        return [c for c in calls if method is None or c["method"].lower() == method.lower()]

    def state(self) -> dict:
        return self._control("state")

    def file(self, file_id: str) -> tuple[str, bytes]:
        """(file name, content) of a document the bot sent."""
        return self._control("file", {"file_id": file_id})

    # --- what a user does --------------------------------------------------------------------

    @staticmethod
    def user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"Agent{user_id}", "language_code": "fr"}

    def _message(self, user_id: int, **fields: Any) -> dict:
        return {"message_id": 100000 + next(self._users), "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": f"Agent{user_id}"},
                "from": self.user(user_id), **fields}

    def send_text(self, user_id: int, text: str) -> int:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0].encode("utf-16-le")) // 2
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push({"message": self._message(user_id, **fields)})[0]

    def press(self, user_id: int, data: str, message_id: int = 1) -> int:
        message = {"message_id": message_id, "date": int(time.time()), "text": "…",
                   "chat": {"id": user_id, "type": "private", "first_name": f"Agent{user_id}"},
                   "from": BOT_USER}
        query = {"id": f"cq{user_id}-{time.monotonic_ns()}", "from": self.user(user_id),
                 "chat_instance": str(user_id), "message": message, "data": data}
        return self.push({"callback_query": query})[0]

    def send_other(self, user_id: int, kind: str) -> int:
        """A message that is not text: photo, voice, sticker, document, location."""
        fid = {"file_id": f"in{kind}", "file_unique_id": f"u{kind}"}
        fields = {
            "photo": {"photo": [{**fid, "width": 90, "height": 90}]},
            "voice": {"voice": {**fid, "duration": 3}},
            "sticker": {"sticker": {**fid, "type": "regular", "width": 512, "height": 512,
                                    "is_animated": False, "is_video": False}},
            "document": {"document": {**fid, "file_name": "projet.pdf"}},
            "location": {"location": {"latitude": 45.76, "longitude": 4.83}},
        }[kind]
        return self.push({"message": self._message(user_id, **fields)})[0]

    # --- what the bot did --------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """Messages and documents delivered (successful calls), in order, optionally to one chat."""
        return [
            c for c in self.calls()
            if c.get("ok") and c["method"] in ("sendMessage", "sendDocument")
            and (chat_id is None or int(c["params"]["chat_id"]) == chat_id)
        ]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("the stand-in did not see what was expected in time")
            await asyncio.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback stand-in of the Telegram Bot API")
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    async def run() -> None:
        _, port, _ = await _serve(args.token, args.port)
        print(f"PORT {port}", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
