"""The web chat channel: Rasa's socket.io channel plus the chat page on the same origin.

Configured in `credentials.yml`::

    bot.channels.webchat.WebChatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      metadata_key: customData

`rasa run` then serves, besides socket.io on `/socket.io`:

* `/webhooks/webchat/` – the page with the chat widget (built into `web/dist`); a
  browser that opens `/` is redirected there (other clients still get Rasa's hello),
* `/webhooks/webchat/<file>` – its script and stylesheet,
* `/webhooks/webchat/config.json` – the socket.io settings the widget needs, the
  configured languages (`languages`: `[{code, name, dir}]`, from
  `bot.language.names`), which the widget's language picker offers, and the host's
  local contacts (`contacts`: `[{name, topics, purpose, phone, email, address,
  opening_hours, url, languages}]` from `contacts.yml`, `bot.contacts`; `purpose` and
  `opening_hours` are texts by language code; an empty list by default),
* `/webhooks/webchat/health` – `{"status": "ok"}`.

Sessions (with `session_persistence: true`; `bot.channels.session`):

* the server issues every conversation id: a client sends `session_request` with the
  `session_token` it was given earlier, if any, and gets `session_confirm`
  `{session_id, session_token}`: the same session for a token the server signed, a new
  one for anything else (no token, a bare session id, a forged or foreign token);
* the socket is bound to that session: its messages go into that conversation only
  (a `session_id` named in a message is ignored), and only sockets bound to a session
  are in its room and get its replies; a socket that sends a message before asking
  gets a new session (and its `session_confirm`);
* `session_request` with a `forget_token` first deletes that token's conversation from
  the tracker store (`bot.channels.forget`, "Gespräch löschen"); `session_confirm` then
  carries `forgotten` (false when the deletion failed and should be asked again).

Differences from Rasa's `SocketIOInput` besides the sessions:

* one `bot_uttered` event per bot message: `text` (not split at blank lines), `buttons`
  (`[{title, payload}]`), and when present `language` (ISO 639-1 code of the text),
  `sources` (`[{title, publisher, date, url}]`), `response` (the name of the response,
  which a `/feedback` message names: `bot.dialogue.feedback`) and `contacts` (the
  host's local contacts shown with the message: `bot.contacts`), which the assistant's
  NLG puts into the message dict (`BotUttered.message()` merges them in,
  `OutputChannel.send_response` passes them on as keyword arguments);
* a `bot_typing` event (`{"typing": true/false}`) while a user message is processed;
* `enter_room` is awaited (it is a coroutine in python-socketio 5.x, which Rasa 3.6 does
  not await, so persistent sessions lose their replies), and a socket that moves to
  another session leaves the room of its old one;
* input is checked and cleaned like in the REST channel (`bot.channels.input`): invalid
  events are ignored, control characters removed, a message longer than the
  `MAX_MESSAGE_CHARS` setting is cut and the reply starts with a note, an empty message
  gets a note instead of going to NLU, and so do a failure of the assistant and a turn
  without any reply; the notes carry `notice` (`empty`, `shortened`, `error`,
  `no_reply`, `rate_limited`) and come in the conversation's language like every
  response;
* a rate limit per connection and per session (`bot.channels.rate_limit`): the first
  message over it gets the `rate_limited` note, further ones only `bot_typing: false`,
  until the client slows down; a connection that sends as many messages again as the
  burst allows (`RATE_LIMIT_BURST`) without waiting is closed;
* `customData` is cleaned and its `language` normalised (`bot.channels.input`);
* socket.io only accepts browser connections from the page's own host unless
  `cors_allowed_origins` says otherwise.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Union
from urllib.parse import urlsplit

from rasa.core.channels.channel import (
    InputChannel,
    OutputChannel,
    UserMessage,
    decode_bearer_token,
)
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.forget import forget_conversation
from bot.channels.input import (
    check_metadata,
    is_blank,
    max_message_chars,
    normalise_language,
    prepare_text,
)
from bot.channels.notes import render_note, stored_conversation_language
from bot.channels.rate_limit import RateLimiter, Verdict
from bot.channels.session import SessionIssuer, WebChatSession
from bot.channels.webpage import DEFAULT_WEB_DIR, WebPage, redirect_browsers_to
from bot.contacts import configured_contacts
from bot.language.names import configured_languages, language_name, text_direction
from bot.translation.prepare import prepare_message_metadata

logger = logging.getLogger(__name__)

CHANNEL_NAME = "webchat"
"""The channel's name: its URL prefix (`/webhooks/webchat/`) and `input_channel`."""

TYPING_EVENT = "bot_typing"
"""Event sent with `{"typing": true}` before and `{"typing": false}` after a message."""

def _buttons(value: Any) -> List[Dict[str, str]]:
    buttons = []
    for button in value or []:
        if not isinstance(button, dict) or not button.get("title"):
            continue
        title = str(button["title"])
        payload = button.get("payload")
        buttons.append({"title": title, "payload": str(payload) if payload else title})
    return buttons


def _sources(value: Any) -> List[Dict[str, Optional[str]]]:
    sources = []
    for source in value or []:
        if isinstance(source, dict):
            entry = source
        else:  # an object with attributes, e.g. bot.knowledge.catalogue.Source
            entry = {
                key: getattr(source, key, None) for key in ("title", "publisher", "date", "url")
            }
        if not entry.get("title"):
            continue
        sources.append(
            {
                key: (str(entry[key]) if entry.get(key) is not None else None)
                for key in ("title", "publisher", "date", "url")
            }
        )
    return sources


def bot_message_payload(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Returns the one `bot_uttered` event of a bot message, or None when it is empty.

    Args:
        message: What `BotUttered.message()` gives the output channel: `text`,
            `buttons` or `quick_replies`, and the NLG's extra keys (`language`,
            `sources`); `image`, `attachment`, `custom` and `elements` pass through.

    Returns:
        `{"id", "text", "buttons"}` plus `language`, `sources`, `response` (the name of
        the response, which feedback names) and `contacts` and `contacts_text` when
        present.
    """
    text = message.get("text") or ""
    payload: Dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "text": str(text),
        "buttons": _buttons(message.get("buttons") or message.get("quick_replies")),
    }
    language = normalise_language(message.get("language"))
    if language:
        payload["language"] = language
    sources = _sources(message.get("sources"))
    if sources:
        payload["sources"] = sources
    response_name = message.get("response")
    if isinstance(response_name, str) and response_name:
        payload["response"] = response_name
    for key in ("image", "attachment", "custom", "elements", "notice", "contacts",
                "contacts_text"):
        if message.get(key):
            payload[key] = message[key]
    if not payload["text"] and len(payload) == 3 and not payload["buttons"]:
        return None
    return payload


def same_host_origin(origin: Optional[str], environ: Dict[str, Any]) -> bool:
    """Allows socket.io connections from pages of the server's own host (any scheme)."""
    if not origin:
        return True
    hosts = {
        value.split(",")[0].strip().lower()
        for value in (environ.get("HTTP_HOST"), environ.get("HTTP_X_FORWARDED_HOST"))
        if value
    }
    return urlsplit(origin).netloc.lower() in hosts


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


async def join_session_room(
    sio: AsyncServer, sid: str, session_id: str, namespace: Optional[str]
) -> None:
    """Puts a socket into its session's room and out of rooms of earlier sessions.

    A socket that started a new conversation ("Gespräch löschen") must not get the
    replies of the old one any more.
    """
    for room in list(sio.rooms(sid, namespace=namespace)):
        if room not in (sid, session_id):
            await _maybe_await(sio.leave_room(sid, room, namespace=namespace))
    await _maybe_await(sio.enter_room(sid, session_id, namespace=namespace))


class WebChatBlueprint(SocketBlueprint):
    """The channel's blueprint; also sends browsers that open `/` to the chat page."""

    def __init__(
        self, sio: AsyncServer, socketio_path: str, *args: Any, redirect_root: bool, **kwargs: Any
    ) -> None:
        """Creates the blueprint.

        Args:
            sio: The socket.io server.
            socketio_path: Where socket.io listens.
            *args: Arguments of `sanic.Blueprint`.
            redirect_root: Whether `GET /` from a browser redirects to the page.
            **kwargs: Keyword arguments of `sanic.Blueprint`.
        """
        super().__init__(sio, socketio_path, *args, **kwargs)
        self.ctx.redirect_root = redirect_root

    def register(self, app: Any, options: Dict[str, Any]) -> None:
        """Attaches socket.io, the routes and the redirect of `/` to the app."""
        super().register(app, options)
        self.ctx.app = app  # its `ctx.agent` knows the conversations (language of notes)
        if not self.ctx.redirect_root:
            return
        page = (options.get("url_prefix") or self.url_prefix or "").rstrip("/") + "/"
        app.register_middleware(redirect_browsers_to(page), "request")


class WebChatOutput(SocketIOOutput):
    """Sends each bot message as one `bot_uttered` event to the conversation's room."""

    @classmethod
    def name(cls) -> str:
        """Returns the channel's name."""
        return CHANNEL_NAME

    def __init__(
        self, sio: AsyncServer, bot_message_evt: str, namespace: Optional[str] = None
    ) -> None:
        """Creates the output channel.

        Args:
            sio: The socket.io server.
            bot_message_evt: The event bot messages are sent as.
            namespace: The socket.io namespace, None for the default one.
        """
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await self.sio.emit(
            self.bot_message_evt, response, room=socket_id, namespace=self.namespace
        )

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Sends a bot message as one event with all its parts."""
        payload = bot_message_payload(dict(message))
        if payload is not None:
            await self._send_message(recipient_id, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Sends a text (with the message's other keys) as one event."""
        await self.send_response(recipient_id, {**kwargs, "text": text})

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        """Sends a text with its buttons as one event."""
        await self.send_response(recipient_id, {**kwargs, "text": text, "buttons": buttons})

    async def send_quick_replies(
        self,
        recipient_id: str,
        text: str,
        quick_replies: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        """Sends a text with quick replies (as buttons) as one event."""
        await self.send_response(recipient_id, {**kwargs, "text": text, "buttons": quick_replies})


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel that also serves the chat page (see module docstring)."""

    @classmethod
    def name(cls) -> str:
        """Returns the channel's name, which is also its URL prefix."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Creates the channel from its `credentials.yml` section.

        Besides the settings of Rasa's socket.io channel it reads `web_dir` (the built
        page, default `web/dist`), `cors_allowed_origins` (default: the page's own host)
        and `redirect_root` (default true: a browser opening `/` gets the page).
        """
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            namespace=credentials.get("namespace"),
            session_persistence=credentials.get("session_persistence", False),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            jwt_key=credentials.get("jwt_key"),
            jwt_method=credentials.get("jwt_method", "HS256"),
            metadata_key=credentials.get("metadata_key", "metadata"),
            web_dir=credentials.get("web_dir"),
            cors_allowed_origins=credentials.get("cors_allowed_origins"),
            redirect_root=credentials.get("redirect_root", True),
        )

    def __init__(
        self,
        *args: Any,
        web_dir: Optional[Union[str, Path]] = None,
        cors_allowed_origins: Optional[Union[str, Iterable[str]]] = None,
        redirect_root: bool = True,
        **kwargs: Any,
    ) -> None:
        """Creates the channel.

        Args:
            *args: Arguments of `SocketIOInput`.
            web_dir: The folder with the built page; `web/dist` of the project when None.
            cors_allowed_origins: Origins allowed to connect to socket.io ("*" for any);
                None allows only pages from the server's own host.
            redirect_root: Whether a browser opening `/` is sent to the chat page.
            **kwargs: Keyword arguments of `SocketIOInput`.
        """
        super().__init__(*args, **kwargs)
        self.redirect_root = redirect_root
        self.sessions: Optional[SessionIssuer] = None  # created with the blueprint
        self.rate_limiter = RateLimiter(0, 0)  # off until the blueprint reads the settings
        self.page = WebPage(Path(web_dir) if web_dir else DEFAULT_WEB_DIR)
        if cors_allowed_origins is None or isinstance(cors_allowed_origins, str):
            self.cors_allowed_origins = cors_allowed_origins
        else:
            self.cors_allowed_origins = list(cors_allowed_origins)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Returns the output channel for messages not triggered by a user message."""
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt, self.namespace)

    def client_config(self) -> Dict[str, Any]:
        """Returns the settings the widget needs (served as `config.json`)."""
        return {
            "socketPath": self.socketio_path,
            "namespace": self.namespace,
            "userMessageEvent": self.user_message_evt,
            "botMessageEvent": self.bot_message_evt,
            "typingEvent": TYPING_EVENT,
            "metadataKey": self.metadata_key,
            "sessionPersistence": bool(self.session_persistence),
            "languages": [
                {"code": code, "name": language_name(code), "dir": text_direction(code)}
                for code in configured_languages()
            ],
            "contacts": [contact.details() for contact in configured_contacts()],
        }

    # --- blueprint ---------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Defines the socket.io server and the page's routes."""
        cors = (
            self.cors_allowed_origins if self.cors_allowed_origins is not None else same_host_origin
        )
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=cors)
        if self.session_persistence:
            self.sessions = SessionIssuer.from_settings()
        self.rate_limiter = RateLimiter.from_settings()
        webchat = WebChatBlueprint(
            sio,
            self.socketio_path,
            "webchat_webhook",
            __name__,
            redirect_root=self.redirect_root,
        )
        self.sio = sio
        namespace = self.namespace

        @webchat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                # relative asset URLs need the trailing slash
                query = f"?{request.query_string}" if request.query_string else ""
                return response.redirect(f"{request.path}/{query}")
            return await self.page.serve(request, "index.html")

        @webchat.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/config.json", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            return response.json(self.client_config(), headers={"Cache-Control": "no-cache"})

        @webchat.route("/<name:path>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            if not name:  # `/webhooks/webchat/` can arrive here with an empty name
                return await page(request)
            return await self.page.serve(request, name)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            payload = None
            if token:
                payload = decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
            return bool(payload)

        async def bind(sid: str, session: WebChatSession, **confirm: Any) -> None:
            """Binds a socket to a session: its messages go there, its replies come here."""
            await sio.save_session(sid, {"session_id": session.session_id}, namespace=namespace)
            await join_session_room(sio, sid, session.session_id, namespace)
            await sio.emit(
                "session_confirm",
                {"session_id": session.session_id, "session_token": session.token, **confirm},
                room=sid,
                namespace=namespace,
            )

        async def forget(token: Any) -> bool:
            """Deletes the conversation of a token; False only when that failed."""
            session = self.sessions.resume(token)
            if session is None:
                return True  # not a conversation of ours: nothing to delete
            try:
                await forget_conversation(getattr(webchat.ctx, "app", None), session.session_id)
            except Exception:  # noqa: BLE001 - the client keeps the token and asks again
                logger.exception("A web chat conversation could not be deleted.")
                return False
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any) -> None:
            if not self.session_persistence:  # Rasa's default: one connection, one conversation
                await sio.emit("session_confirm", sid, room=sid, namespace=namespace)
                return
            request = data if isinstance(data, dict) else {}
            confirm = {}
            if "forget_token" in request:
                confirm["forgotten"] = await forget(request["forget_token"])
            session = self.sessions.resume(request.get("session_token"))
            resumed = session is not None
            await bind(sid, session or self.sessions.issue(), **confirm)
            logger.debug(f"Web chat client {sid}: {'resumed' if resumed else 'new'} session.")

        async def session_of(sid: str) -> str:
            """Returns the conversation a socket writes into; binds a new one if it has none."""
            if not self.session_persistence:
                return sid
            bound = (await sio.get_session(sid, namespace=namespace)).get("session_id")
            if bound is None:  # a message before any session_request
                session = self.sessions.issue()
                await bind(sid, session)
                bound = session.session_id
            return bound

        async def send_note(
            output: WebChatOutput, sender_id: str, notice: str, hint: Optional[str],
            limit: int,
        ) -> None:
            language = await stored_conversation_language(
                getattr(webchat.ctx, "app", None), sender_id, hint
            )
            note = await render_note(sender_id, notice, language, limit)
            await output.send_response(sender_id, note)

        async def refuse(
            sid: str, sender_id: str, verdict: Verdict, hint: Optional[str], limit: int
        ) -> None:
            """Answers a message over the rate limit: one note per flood, then silence.

            A connection that goes on sending as many messages again as the burst
            allows is closed: each of them would still cost the server a little.
            """
            if verdict.first_refusal:
                output = WebChatOutput(sio, self.bot_message_evt, namespace)
                await send_note(output, sender_id, "rate_limited", hint, limit)
            if verdict.refused_in_a_row > self.rate_limiter.burst:
                logger.warning("A web chat connection kept flooding after the note; closed.")
                await sio.disconnect(sid, namespace=namespace)
                return
            await sio.emit(TYPING_EVENT, {"typing": False}, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.warning(f"Web chat client {sid} sent a malformed message; ignored.")
                return
            # The socket's own session, never a session id named in the message.
            sender_id = await session_of(sid)

            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            try:
                metadata = check_metadata(metadata)
            except ValueError:  # not an object, or nested too deeply
                metadata = {}
            hint = metadata.get("language")
            limit = max_message_chars()

            verdict = self.rate_limiter.check(("socket", sid), ("session", sender_id))
            if not verdict.allowed:
                await refuse(sid, sender_id, verdict, hint, limit)
                return

            text, shortened = prepare_text(data.get("message", ""), limit)
            output = WebChatOutput(sio, self.bot_message_evt, namespace)
            await sio.emit(TYPING_EVENT, {"typing": True}, room=sender_id, namespace=namespace)
            try:
                if is_blank(text):
                    await send_note(output, sender_id, "empty", hint, limit)
                    return
                if shortened:
                    await send_note(output, sender_id, "shortened", hint, limit)
                before = output.sent
                await on_new_message(
                    UserMessage(
                        text, output, sender_id, input_channel=self.name(),
                        metadata=await prepare_message_metadata(text, metadata),
                    )
                )
                if output.sent == before:
                    await send_note(output, sender_id, "no_reply", hint, limit)
            except Exception:  # the user must not wait for an answer that never comes
                logger.exception(f"The assistant failed on a web chat message of {sender_id}.")
                await send_note(output, sender_id, "error", hint, limit)
            finally:
                await sio.emit(TYPING_EVENT, {"typing": False}, room=sender_id, namespace=namespace)

        return webchat
