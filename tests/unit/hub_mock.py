"""A mocked Hugging Face Hub for the hub tests (httpx2.MockTransport via set_client_factory).

Responses are queued per repo and served in order (the last one repeats). Any request the test
did not queue fails loudly: the handler raises, and the fixture asserts none happened.
Fixture bodies in tests/fixtures/hub/ are fabricated, shaped like the Hub's model_info JSON.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import set_client_factory
from huggingface_hub.utils._http import default_client_factory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hub"
MODELS_API = "/api/models/"


def model_json(name: str, repo: str | None = None, **changes) -> dict:
    """A fabricated model_info body from tests/fixtures/hub/<name>.json, optionally renamed/changed."""
    body = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text())["response"])
    if repo:
        body["id"] = repo
    body.update(changes)
    return body


def ok(body: dict) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda req: httpx2.Response(200, json=body)


def status(code: int, *, error_code: str | None = None, message: str = "error", headers: dict | None = None):
    h = dict(headers or {})
    if error_code:
        h["X-Error-Code"] = error_code
    return lambda req: httpx2.Response(code, json={"error": message}, headers=h)


def not_found():
    return status(404, error_code="RepoNotFound", message="Repository not found")


def gated(code: int = 403):
    return status(code, error_code="GatedRepo",
                  message="Access to model is restricted. You must have access to it and be authenticated.")


def unauthorized():
    return status(401, message="Invalid username or password.")


def rate_limited(retry_after: str | None = "7"):
    return status(429, message="Too Many Requests", headers={"Retry-After": retry_after} if retry_after else None)


def server_error(code: int = 500):
    return status(code, message="Internal Error")


def timeout():
    def raise_timeout(req):
        raise httpx2.ReadTimeout("The read operation timed out", request=req)
    return raise_timeout


def malformed(text: str = '{"id": "x", "downloads": 12, "likes": ') -> Callable:
    return lambda req: httpx2.Response(200, content=text.encode(), headers={"Content-Type": "application/json"})


class HubMock:
    def __init__(self) -> None:
        self.queues: dict[str, list[Callable]] = {}
        self.requests: list[httpx2.Request] = []
        self.unmocked: list[str] = []

    def on(self, repo: str, *responses: Callable) -> HubMock:
        self.queues[repo] = list(responses)
        return self

    def calls(self, repo: str) -> list[httpx2.Request]:
        return [r for r in self.requests if r.url.path == MODELS_API + repo]

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        path = request.url.path
        repo = path[len(MODELS_API):] if path.startswith(MODELS_API) else None
        queue = self.queues.get(repo) if repo else None
        if not queue:
            self.unmocked.append(f"{request.method} {request.url}")
            raise AssertionError(f"unmocked Hub request: {request.method} {request.url}")
        respond = queue.pop(0) if len(queue) > 1 else queue[0]
        return respond(request)


def _install(handler) -> None:
    set_client_factory(lambda: httpx2.Client(transport=httpx2.MockTransport(handler)))


def _refuse(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError(f"network access in a test: {request.method} {request.url}")


@pytest.fixture(autouse=True)
def no_network():
    """Every Hub request made through huggingface_hub fails loudly unless a test mocks it."""
    _install(_refuse)
    yield
    set_client_factory(default_client_factory)


@pytest.fixture
def hub(no_network) -> HubMock:
    mock = HubMock()
    _install(mock.handler)
    yield mock
    assert not mock.unmocked, f"unmocked Hub requests: {mock.unmocked}"
