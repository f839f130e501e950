"""components.hub.client: one repo, through huggingface_hub's real HfApi on a mocked httpx2 transport."""
# ruff: noqa: F811  (pytest fixtures imported from hub_mock are redefined as test arguments)

import pytest
from huggingface_hub import HfApi

from components.hub.client import EXPAND, RetryPolicy, fetch_model, parse_model_info
from tests.unit import hub_mock as hm
from tests.unit.hub_mock import hub, no_network  # noqa: F401  (fixtures)

REPO = "mistralai/Mixtral-8x7B-v0.1"


@pytest.fixture
def api():
    return HfApi()


def test_success_parses_every_field(hub, api):
    hub.on(REPO, hm.ok(hm.model_json("mixtral-8x7b")))
    res = fetch_model(api, REPO, sleep=pytest.fail)
    assert res.ok and res.fault is None and res.attempts == 1
    v = res.values
    assert (v.downloads_30d, v.downloads_all_time, v.likes) == (111111, 2222222, 3333)
    assert v.created_at.isoformat() == "2023-12-01T00:00:00+00:00"
    assert v.last_modified.year == 2024 and v.gated is False
    assert v.license == "apache-2.0"
    assert v.safetensors_total == 46_702_792_704 and v.safetensors_parameters == {"BF16": 46_702_792_704}


def test_request_asks_for_the_expand_list_and_nothing_else(hub, api):
    hub.on(REPO, hm.ok(hm.model_json("mixtral-8x7b")))
    fetch_model(api, REPO)
    (req,) = hub.requests  # no hidden /api/agent-harnesses request (telemetry is off)
    assert req.url.path == f"/api/models/{REPO}"
    assert req.url.params.get_list("expand") == EXPAND
    assert "authorization" not in req.headers  # no token: anonymous


def test_license_from_tag_when_card_has_none_and_gated_mode(hub, api):
    hub.on("acme/acme-one-7b", hm.ok(hm.model_json("llama-gated")))
    v = fetch_model(api, "acme/acme-one-7b").values
    assert v.license == "acme-community" and v.gated == "manual"


def test_other_license_keeps_license_name_and_dtypes(hub, api):
    hub.on("zeta/zeta-chat", hm.ok(hm.model_json("packed-moe")))
    v = fetch_model(api, "zeta/zeta-chat").values
    assert (v.license, v.license_name) == ("other", "zeta-license")
    assert v.safetensors_parameters == {"BF16": 1_500_000_000, "U8": 9_000_000_000}


def test_repo_without_safetensors(hub, api):
    hub.on("oldlab/old-model", hm.ok(hm.model_json("no-safetensors")))
    v = fetch_model(api, "oldlab/old-model").values
    assert v.safetensors_total is None and v.safetensors_parameters == {} and v.license is None


def test_not_found(hub, api):
    hub.on("nobody/nothing", hm.not_found())
    res = fetch_model(api, "nobody/nothing", sleep=pytest.fail)
    assert not res.ok and res.fault.kind == "not_found" and res.fault.status == 404
    assert res.attempts == 1  # never retried
    assert "not found" in res.fault.message.lower()


@pytest.mark.parametrize(("respond", "code"), [(hm.gated(403), 403), (hm.gated(401), 401), (hm.unauthorized(), 401)])
def test_gated_or_unauthorized(hub, api, respond, code):
    hub.on("meta-llama/Gated", respond)
    res = fetch_model(api, "meta-llama/Gated", sleep=pytest.fail)
    assert res.fault.kind == "gated" and res.fault.status == code and res.attempts == 1
    assert "no HF_TOKEN" in res.fault.message


def test_429_honours_retry_after_then_succeeds(hub, api):
    hub.on(REPO, hm.rate_limited("7"), hm.ok(hm.model_json("mixtral-8x7b")))
    slept = []
    res = fetch_model(api, REPO, sleep=slept.append)
    assert res.ok and res.attempts == 2 and slept == [7.0]


def test_429_gives_up_after_bounded_attempts(hub, api):
    hub.on(REPO, hm.rate_limited("3"))
    slept = []
    res = fetch_model(api, REPO, sleep=slept.append, policy=RetryPolicy(max_attempts=3))
    assert res.fault.kind == "rate_limited" and res.fault.retry_after_s == 3.0
    assert res.attempts == res.fault.attempts == 3 and slept == [3.0, 3.0]
    assert len(hub.calls(REPO)) == 3


def test_429_retry_after_beyond_the_bound_is_not_waited(hub, api):
    hub.on(REPO, hm.rate_limited("3600"))
    res = fetch_model(api, REPO, sleep=pytest.fail, policy=RetryPolicy(max_wait_s=60))
    assert res.fault.kind == "rate_limited" and res.attempts == 1 and "gave up" in res.fault.message


def test_429_without_retry_after_backs_off(hub, api):
    hub.on(REPO, hm.rate_limited(None), hm.ok(hm.model_json("mixtral-8x7b")))
    slept = []
    assert fetch_model(api, REPO, sleep=slept.append, policy=RetryPolicy(backoff_s=2)).ok and slept == [2.0]


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_error_retried_then_recorded(hub, api, code):
    hub.on(REPO, hm.server_error(code))
    slept = []
    res = fetch_model(api, REPO, sleep=slept.append, policy=RetryPolicy(max_attempts=2, backoff_s=1))
    assert res.fault.kind == "server_error" and res.fault.status == code and res.attempts == 2 and slept == [1.0]


def test_server_error_then_success(hub, api):
    hub.on(REPO, hm.server_error(), hm.ok(hm.model_json("mixtral-8x7b")))
    assert fetch_model(api, REPO, sleep=lambda s: None).ok


def test_timeout(hub, api):
    hub.on(REPO, hm.timeout())
    res = fetch_model(api, REPO, sleep=lambda s: None, policy=RetryPolicy(max_attempts=2))
    assert res.fault.kind == "timeout" and res.attempts == 2 and "timed out" in res.fault.message


@pytest.mark.parametrize("respond", [
    hm.malformed(),  # truncated JSON
    hm.malformed("<html>Bad gateway</html>"),  # not JSON at all
    hm.ok(["not", "an", "object"]),  # JSON of the wrong shape
    hm.ok(hm.model_json("mixtral-8x7b", safetensors={"total": 5})),  # safetensors without parameters
    hm.ok(hm.model_json("mixtral-8x7b", downloads=-3)),  # impossible value
    hm.ok(hm.model_json("mixtral-8x7b", gated="sometimes")),  # unknown gating mode
])
def test_malformed_json_is_a_fault_not_a_crash(hub, api, respond):
    hub.on(REPO, respond)
    res = fetch_model(api, REPO, sleep=pytest.fail)
    assert res.fault.kind == "malformed" and res.attempts == 1


def test_token_is_sent_but_never_in_a_fault(hub, api):
    secret = "hf_SECRETsecretSECRET"
    seen = []

    def echo_token(req):
        seen.append(req.headers.get("authorization"))
        return hm.status(403, error_code="GatedRepo", message=f"denied for {req.headers.get('authorization')}")(req)

    hub.on("meta-llama/Gated", echo_token)
    res = fetch_model(api, "meta-llama/Gated", token=secret)
    assert seen == [f"Bearer {secret}"]
    assert secret not in res.fault.model_dump_json() and "***" in res.fault.message
    assert "no HF_TOKEN" not in res.fault.message and "lacks access" in res.fault.message


def test_unmocked_request_fails_loudly(api):
    with pytest.raises(AssertionError, match="network access in a test"):
        fetch_model(api, "some/repo")


def test_parse_model_info_accepts_a_list_license():
    from huggingface_hub.hf_api import ModelInfo

    body = hm.model_json("mixtral-8x7b", cardData={"license": ["mit", "apache-2.0"]})
    assert parse_model_info(ModelInfo(**body)).license == "mit"
