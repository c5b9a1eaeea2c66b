"""A new model (new domain) while conversations are cached: the new slots work at once.

Two ways to load a model into a running server: `PUT /model` (HTTP API, on with
`RASA_ENABLE_API=1` and `RASA_API_TOKEN`), for which Rasa 3.6 builds a new agent with a
new tracker store, and a model server that the server polls, for which the same agent
and tracker store load the new model (`Agent.load_model` sets the store's `domain`,
which empties the cache).
The new model here is this repository's model with one more slot (`city`). After the
swap, a conversation that the tracker store had cached under the old model gets a
value for the new slot (through the API's events endpoint).
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator

import pytest
import yaml

from bot.paths import PROJECT_ROOT
from tools.stack import rest_credentials, running_stack, send

TOKEN = f"token-{uuid.uuid4().hex}"
NEW_SLOT = {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]}


def newest_model() -> Path:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assert models, "no trained model in models/: run `make train` first"
    return models[-1]


def with_new_slot(model: Path, target: Path) -> str:
    """Writes a copy of the model whose domain has the slot `city`; returns its id."""
    model_id = uuid.uuid4().hex
    with tarfile.open(model) as source, tarfile.open(target, "w:gz", compresslevel=1) as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            name = member.name.lstrip("/")
            if name == "metadata.json":
                metadata = json.loads(data)
                metadata["domain"]["slots"]["city"] = NEW_SLOT
                metadata["model_id"] = model_id
                data = json.dumps(metadata).encode()
            elif name == "components/domain_provider/domain.yml":
                domain = yaml.safe_load(data)
                domain["slots"]["city"] = NEW_SLOT
                data = yaml.safe_dump(domain, allow_unicode=True).encode()
            if data is not None:
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
            else:
                copy.addfile(member)
    return model_id


@pytest.fixture(scope="module")
def new_model(tmp_path_factory) -> Dict[str, object]:
    path = tmp_path_factory.mktemp("models") / "with-city.tar.gz"
    return {"path": path, "id": with_new_slot(newest_model(), path)}


def api(url: str, path: str, method: str = "GET", body: object = None) -> object:
    request = urllib.request.Request(
        f"{url}{path}{'&' if '?' in path else '?'}token={TOKEN}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def set_city_and_read_it(url: str, sender: str) -> object:
    """Sets the new slot; returns its value in the tracker the server then holds.

    The events endpoint answers with the tracker it retrieved (through the cache) and
    updated; `GET .../tracker` would read the whole conversation afresh instead.
    """
    state = api(url, f"/conversations/{sender}/tracker/events", "POST",
                [{"event": "slot", "name": "city", "value": "Ulm"}])
    return state["slots"].get("city")


def stack_env(folder: Path) -> Dict[str, str]:
    return {"TRACKER_DB": str(folder / "conversations.db"), "RETENTION_DAYS": "0",
            "LANGUAGE_PACKS_DIR": str(folder / "no-packs"),
            "RASA_ENABLE_API": "1", "RASA_API_TOKEN": TOKEN}


def test_put_model_with_the_api_on(new_model, tmp_path) -> None:
    with running_stack(rasa_port=5725, actions_port=5775, extra_env=stack_env(tmp_path),
                       credentials=rest_credentials(tmp_path), log_dir=tmp_path) as stack:
        url = stack["url"]
        sender = f"swap-{uuid.uuid4().hex[:6]}"
        assert send(url, sender, "Hallo")
        assert send(url, sender, "Danke")  # read from the store: the conversation is cached

        api(url, "/model", "PUT", {"model_file": str(new_model["path"])})

        assert api(url, "/status")["model_id"] == new_model["id"]
        assert set_city_and_read_it(url, sender) == "Ulm"
        assert send(url, sender, "Was ist die MBE?")


class ModelServer(BaseHTTPRequestHandler):
    """Serves one model file with its id as ETag, as a Rasa model server does."""

    model: Path
    etag = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.headers.get("If-None-Match") == ModelServer.etag:
            self.send_response(304)
            self.end_headers()
            return
        data = ModelServer.model.read_bytes()
        self.send_response(200)
        self.send_header("ETag", ModelServer.etag)
        self.send_header("filename", ModelServer.model.name)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        """Keeps the test output quiet."""


@pytest.fixture
def model_server() -> Iterator[str]:
    ModelServer.model, ModelServer.etag = newest_model(), "first"
    server = ThreadingHTTPServer(("127.0.0.1", 0), ModelServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/model.tar.gz"
    finally:
        server.shutdown()
        server.server_close()


def test_a_model_from_the_model_server(new_model, model_server, tmp_path) -> None:
    """The same server and tracker store load the new model: the cache must go."""
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    endpoints["models"] = {"url": model_server, "wait_time_between_pulls": 1}
    (tmp_path / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    with running_stack(rasa_port=5726, actions_port=5776, extra_env=stack_env(tmp_path),
                       credentials=rest_credentials(tmp_path), log_dir=tmp_path,
                       endpoints=tmp_path / "endpoints.yml") as stack:
        url = stack["url"]
        sender = f"pull-{uuid.uuid4().hex[:6]}"
        assert send(url, sender, "Hallo")
        assert send(url, sender, "Danke")  # read from the store: the conversation is cached

        ModelServer.model, ModelServer.etag = new_model["path"], "second"
        deadline = time.monotonic() + 180
        while api(url, "/status")["model_id"] != new_model["id"]:
            assert time.monotonic() < deadline, "the new model was not loaded"
            time.sleep(1)

        assert set_city_and_read_it(url, sender) == "Ulm"
        assert send(url, sender, "Was ist die MBE?")
