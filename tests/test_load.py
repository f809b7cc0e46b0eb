"""`pressroom serve` under a small bounded load on loopback (the CI version of
benchmarks/bench_load.py; RELIABILITY.md has the 10,000-request run): hits, misses, bad
signatures and unknown ids at concurrency 16, with clients hanging up mid-response."""

from __future__ import annotations

import pytest

from benchmarks.bench_load import run


@pytest.fixture(scope="module")
def load() -> dict:
    return run(requests=1000, concurrency=16, warmup=2000, hang_ups=60, seed=7)


def test_no_5xx_and_every_answer_as_expected(load: dict) -> None:
    assert load["5xx"] == 0 and load["unexpected"] == [], load
    kinds = {k.split()[0] for k in load["statuses"]}
    assert kinds == {"hit", "miss", "bad_signature", "unknown_id"}
    assert sum(load["statuses"].values()) == 1000
    assert 0 < load["p50_ms"] <= load["p99_ms"]


def test_clients_hanging_up_do_not_hurt_the_server(load: dict) -> None:
    assert load["hang_ups"] == 60
    assert load["server_alive"] and load["healthy_after"]
    assert load["server_tracebacks"] == 0, load["server_log_tail"]


def test_resident_memory_after_warm_up_stays_flat(load: dict) -> None:
    # The full run (10,000 requests after 2,000 of warm-up) is held to 10% and measured +7%.
    # Over only 1,000 requests the server's RSS (~75 MB) moves by +-8 MB from allocator
    # noise alone (measured -3% to +11% for the same load), so this bound only catches a
    # real leak: 20% is 15 MB, 15 KB kept per request.
    assert load["rss_growth"] <= 0.20, (load["rss_after_warmup_mb"], load["rss_after_mb"])
