"""Fetch one model's numbers from the Hugging Face Hub, turning every fault into data.

`fetch_model(api, repo)` never raises for the faults a sync must survive (not found, gated,
rate limited, 5xx, timeout, network, malformed JSON): it returns a `FetchResult` holding either
the values or a `HubFault`. Anything else (a programming error, an unmocked request in a test)
propagates, loudly.

The HTTP client is huggingface_hub's own (httpx2); tests swap it with
`huggingface_hub.set_client_factory` or pass a fake `api`. Sleeping is injectable.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx2
from huggingface_hub import errors as hf_errors
from pydantic import ValidationError

from .snapshot import HubFault, HubValues

# `expand` returns only these properties (there is no `license` key: it is in cardData or a tag).
EXPAND = ["downloads", "downloadsAllTime", "likes", "createdAt", "lastModified", "gated",
          "cardData", "tags", "safetensors", "sha"]
REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: 429 waits Retry-After (giving up if the server asks for more than
    `max_wait_s`); 5xx, timeouts and network errors back off exponentially."""

    max_attempts: int = 3
    max_wait_s: float = 60.0
    backoff_s: float = 2.0


DEFAULT_POLICY = RetryPolicy()


class ModelInfoApi(Protocol):
    def model_info(self, repo_id: str, *, expand: list[str] | None = None, timeout: float | None = None,
                   token: Any = None) -> Any: ...


@dataclass(frozen=True)
class FetchResult:
    repo: str
    values: HubValues | None
    fault: HubFault | None
    attempts: int

    @property
    def ok(self) -> bool:
        return self.values is not None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def token_from_env() -> str | None:
    """The optional HF_TOKEN (for gated repos). Never logged, never written."""
    return os.environ.get("HF_TOKEN") or None


def redact(text: str, token: str | None) -> str:
    text = " ".join(str(text).split())  # one line
    if token:
        text = text.replace(token, "***")
    return text[:300]


def _license(info: Any) -> tuple[str | None, str | None]:
    card = getattr(info, "card_data", None)
    lic = name = None
    if card is not None:
        lic = card.get("license") if hasattr(card, "get") else None
        name = card.get("license_name") if hasattr(card, "get") else None
    if isinstance(lic, list):  # the card may list several; the first is the declared one
        lic = lic[0] if lic else None
    if not lic:
        lic = next((t.split(":", 1)[1] for t in (getattr(info, "tags", None) or []) if str(t).startswith("license:")),
                   None)
    return (str(lic) if lic else None), (str(name) if name else None)


def parse_model_info(info: Any) -> HubValues:
    """huggingface_hub's ModelInfo -> the values we keep. Raises ValueError on a wrong shape."""
    st = getattr(info, "safetensors", None)
    lic, lic_name = _license(info)
    return HubValues(
        repo_id=info.id,
        sha=getattr(info, "sha", None),
        downloads_30d=info.downloads,
        downloads_all_time=info.downloads_all_time,
        likes=info.likes,
        created_at=info.created_at,
        last_modified=info.last_modified,
        gated=info.gated,
        license=lic,
        license_name=lic_name,
        safetensors_total=st.total if st else None,
        safetensors_parameters=dict(st.parameters) if st else {},
    )


def _status(exc: BaseException) -> int | None:
    resp = getattr(exc, "response", None)
    return getattr(resp, "status_code", None)


def _retry_after(exc: BaseException) -> float | None:
    resp = getattr(exc, "response", None)
    raw = resp.headers.get("Retry-After") if resp is not None else None
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:  # an HTTP date: not supported, fall back to backoff
        return None


def classify(exc: BaseException, token: str | None) -> HubFault:
    """One fault record per exception type the sync must survive."""
    status = _status(exc)
    detail = getattr(exc, "server_message", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    msg = redact(detail, token)
    if isinstance(exc, hf_errors.GatedRepoError) or status in (401, 403):
        hint = "; HF_TOKEN lacks access" if token else "; no HF_TOKEN set"
        return HubFault(kind="gated", status=status, message=f"gated or private repo{hint} ({msg})")
    if isinstance(exc, hf_errors.DisabledRepoError):
        return HubFault(kind="disabled", status=status, message=msg)
    if isinstance(exc, hf_errors.HfHubHTTPError):
        if status == 404:
            return HubFault(kind="not_found", status=404, message=msg)
        if status == 429:
            return HubFault(kind="rate_limited", status=429, message=msg, retry_after_s=_retry_after(exc))
        if status is not None and status >= 500:
            return HubFault(kind="server_error", status=status, message=msg)
        return HubFault(kind="http_error", status=status, message=msg)
    if isinstance(exc, httpx2.TimeoutException):
        return HubFault(kind="timeout", message=redact(f"{type(exc).__name__}: {exc}", token))
    if isinstance(exc, (httpx2.TransportError, hf_errors.OfflineModeIsEnabled)):
        return HubFault(kind="network", message=redact(f"{type(exc).__name__}: {exc}", token))
    # ValueError covers JSONDecodeError and pydantic's ValidationError; TypeError/KeyError: wrong shape.
    return HubFault(kind="malformed", status=status, message=redact(f"{type(exc).__name__}: {exc}", token))


SURVIVABLE = (hf_errors.HfHubHTTPError, httpx2.TimeoutException, httpx2.TransportError,
              hf_errors.OfflineModeIsEnabled, ValueError, TypeError, KeyError, ValidationError)
RETRYABLE = {"rate_limited", "server_error", "timeout", "network"}


def fetch_model(api: ModelInfoApi, repo: str, *, token: str | None = None,
                policy: RetryPolicy = DEFAULT_POLICY, sleep: Callable[[float], None] = time.sleep,
                timeout: float = REQUEST_TIMEOUT_S) -> FetchResult:
    """Fetch one repo with bounded retries. Returns values or the last fault."""
    fault: HubFault | None = None
    attempt = 0
    while attempt < policy.max_attempts:
        attempt += 1
        try:
            info = api.model_info(repo, expand=EXPAND, timeout=timeout, token=token or False)
            return FetchResult(repo, parse_model_info(info), None, attempt)
        except SURVIVABLE as exc:
            fault = classify(exc, token)
        if fault.kind not in RETRYABLE or attempt >= policy.max_attempts:
            break
        if fault.kind == "rate_limited" and fault.retry_after_s is not None:
            if fault.retry_after_s > policy.max_wait_s:
                fault = fault.model_copy(update={"message": f"{fault.message} (Retry-After {fault.retry_after_s:g}s "
                                                            f"exceeds the {policy.max_wait_s:g}s bound; gave up)"})
                break
            wait = fault.retry_after_s
        else:
            wait = min(policy.backoff_s * 2 ** (attempt - 1), policy.max_wait_s)
        sleep(wait)
    assert fault is not None
    return FetchResult(repo, None, fault.model_copy(update={"attempts": attempt}), attempt)
