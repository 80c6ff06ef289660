"""code/common: the cache, quantization, speculative decoding and batching keep the model's answers."""
from __future__ import annotations

import json
import random
import threading
import time

import pytest
import torch
from jsonschema import Draft202012Validator

from common.batching import Engine, Request, percentile, poisson_trace, run_continuous, run_static
from common.generate import (accept_or_resample, acceptance_from_tokens_per_pass, expected_speedup,
                             expected_tokens_per_pass, generate, generate_no_cache, sample, speculative_generate,
                             speculative_sample)
from common.model import ModelConfig, Transformer, kv_bytes_per_token, parameter_bytes
from common.quantize import Int4Linear, Int8Linear, linear_bytes, quantize, use_tinygemm
from conftest import ROOT

CPU = torch.device("cpu")


def model(seed=0, **overrides) -> Transformer:
    """A random model with large weights, so that greedy choices are far from ties."""
    torch.manual_seed(seed)
    config = ModelConfig(**{"dim": 64, "n_layer": 2, "n_head": 4, "n_kv_head": 2, "max_seq_len": 96, **overrides})
    m = Transformer(config).eval()
    for module in m.modules():
        if isinstance(module, torch.nn.Linear):
            torch.nn.init.normal_(module.weight, std=0.3)
    return m


@pytest.mark.parametrize("n_kv_head", [4, 2, 1])  # MHA, GQA, MQA
def test_kv_cache_gives_the_logits_of_full_recomputation(n_kv_head):
    m = model(n_kv_head=n_kv_head)
    tokens = torch.randint(0, 256, (2, 40), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        full = m(tokens)
        m.setup_cache(2)
        positions = torch.arange(40).expand(2, 40)
        prefill = m(tokens[:, :16], positions[:, :16])
        steps = [m(tokens[:, i:i + 1], positions[:, i:i + 1]) for i in range(16, 40)]
    incremental = torch.cat([prefill, *steps], dim=1)
    torch.testing.assert_close(incremental, full, atol=1e-4, rtol=1e-4)


def test_cached_generation_equals_recomputation():
    m = model()
    prompt = torch.randint(0, 256, (3, 8), generator=torch.Generator().manual_seed(2))
    assert torch.equal(generate(m, prompt, 24), generate_no_cache(m, prompt, 24))


def test_sampling_is_reproducible_with_a_generator():
    m = model()
    prompt = torch.zeros(1, 4, dtype=torch.long)
    a = generate(m, prompt, 16, temperature=1.0, top_k=20, generator=torch.Generator().manual_seed(3))
    b = generate(m, prompt, 16, temperature=1.0, top_k=20, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_generation_refuses_to_run_past_the_cache():
    with pytest.raises(ValueError, match="max_seq_len"):
        generate(model(), torch.zeros(1, 90, dtype=torch.long), 10)


@pytest.mark.parametrize("bits,tolerance", [(8, 0.5 / 127), (4, 0.5 / 7)])
def test_quantized_weights_dequantize_within_half_a_step(bits, tolerance):
    torch.manual_seed(4)
    linear = torch.nn.Linear(128, 32, bias=False)
    q = Int8Linear(linear) if bits == 8 else Int4Linear(linear, group_size=32)
    w = linear.weight.detach()
    if bits == 8:
        scale = w.abs().amax(dim=1, keepdim=True)
    else:
        scale = w.view(32, 4, 32).abs().amax(dim=-1, keepdim=True).expand(32, 4, 32).reshape(32, 128)
    assert ((q.dequantized() - w).abs() <= tolerance * scale + 1e-7).all()
    x = torch.randn(5, 128)
    torch.testing.assert_close(q(x), x @ q.dequantized().T, atol=1e-5, rtol=1e-5)


def test_quantized_model_is_smaller_and_close():
    torch.manual_seed(5)
    m = Transformer(ModelConfig(dim=64, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=96)).eval()  # default init
    baseline = parameter_bytes(m)
    tokens = torch.randint(0, 256, (1, 24), generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        reference = m(tokens)
        q8 = quantize(m, bits=8)
        assert parameter_bytes(q8) < 0.4 * baseline  # linear layers fp32 → int8 (+ scales); embeddings stay fp32
        assert (q8(tokens) - reference).abs().max() < 0.05 * reference.abs().max()


def test_speculative_decoding_returns_the_targets_greedy_tokens():
    target, draft = model(seed=0), model(seed=1, dim=32, n_layer=1)
    prompt = torch.randint(0, 256, (1, 6), generator=torch.Generator().manual_seed(6))
    reference = generate(target, prompt, 40)
    for k in (1, 3, 5):
        out, stats = speculative_generate(target, draft, prompt, 40, k=k)
        assert torch.equal(out, reference), k
        assert stats.accepted <= stats.proposed


def test_a_perfect_draft_is_always_accepted():
    target = model()
    prompt = torch.zeros(1, 4, dtype=torch.long)
    out, stats = speculative_generate(target, target, prompt, 30, k=4)
    assert torch.equal(out, generate(target, prompt, 30))
    assert stats.acceptance_rate == 1.0 and stats.target_calls <= 1 + 30 // 5 + 1


def requests_for_batching(n=9):
    g = torch.Generator().manual_seed(7)
    return [Request(i, torch.randint(0, 256, (4 + i % 5,), generator=g), 2 + (i * 7) % 13) for i in range(n)]


def test_batching_schedulers_give_each_request_its_own_greedy_answer():
    m = model()
    static, continuous = requests_for_batching(), requests_for_batching()
    engine = Engine(m, slots=3, max_len=40)
    s, c = run_static(engine, static), run_continuous(engine, continuous)
    assert [r.output for r in static] == [r.output for r in continuous]
    for r in continuous:
        alone = generate(m, r.prompt[None], r.max_new_tokens)[0, len(r.prompt):].tolist()
        assert r.output == alone
    assert c.iterations < s.iterations and c.utilization > s.utilization
    assert all(r.ttft >= 0 and (r.tpot is None or r.tpot >= 0) for r in continuous)


def test_padded_prefill_gives_the_same_answers():
    m = model()
    plain, padded = requests_for_batching(), requests_for_batching()
    run_continuous(Engine(m, slots=3, max_len=40), plain)
    run_continuous(Engine(m, slots=3, max_len=40, prefill_len=12), padded)
    assert [r.output for r in plain] == [r.output for r in padded]


def test_chunked_prefill_gives_the_same_answers_in_bounded_pieces():
    m = model()
    whole, chunked = requests_for_batching(), requests_for_batching()
    a = run_continuous(Engine(m, slots=3, max_len=40), whole)
    b = run_continuous(Engine(m, slots=3, max_len=40), chunked, chunk=3)
    assert [r.output for r in whole] == [r.output for r in chunked]
    assert a.largest_prefill == max(len(r.prompt) for r in whole) == 8
    assert b.largest_prefill == 3 and b.prefills > a.prefills


def test_a_cached_prefix_gives_the_same_answers_and_is_counted():
    m = model()
    g = torch.Generator().manual_seed(3)
    system = torch.randint(0, 256, (10,), generator=g)

    def requests():
        g = torch.Generator().manual_seed(4)
        return [Request(i, torch.cat([system, torch.randint(0, 256, (3 + i,), generator=g)]), 4,
                        prefix_len=len(system)) for i in range(5)]
    plain, cached = requests(), requests()
    run_continuous(Engine(m, slots=2, max_len=40), plain)
    stats = run_continuous(Engine(m, slots=2, max_len=40, prefix_cache=True), cached, chunk=4)
    assert [r.output for r in plain] == [r.output for r in cached]
    # The first two arrive together and both miss; the three after them reuse the prefix.
    assert (stats.prefix_hits, stats.reused_tokens) == (3, 30)
    assert stats.prompt_tokens == sum(len(r.prompt) for r in cached)


def test_the_clock_skips_idle_time_instead_of_sleeping():
    from common.batching import Clock
    clock = Clock()
    started = time.perf_counter()
    clock.wait_until(5.0)
    assert clock() >= 5.0 and time.perf_counter() - started < 1.0
    m = model()
    late = requests_for_batching(3)
    for r in late:
        r.arrival = 100.0 + r.rid
    run_continuous(Engine(m, slots=3, max_len=40), late)
    assert all(r.ttft >= 0 and r.times[0] >= 100.0 for r in late)
    assert all(a.times[0] <= b.times[0] for a, b in zip(late, late[1:]))


def test_a_cost_clock_charges_each_step_and_prefill_its_fixed_cost():
    from common.batching import CostClock
    m = model()
    requests = requests_for_batching(3)
    run_static(Engine(m, slots=3, max_len=40), requests,
               clock=CostClock(step_s=1.0, prefill_s=0.5, prefill_token_s=0.25))
    prefills = [0.5 + 0.25 * len(r.prompt) for r in requests]
    assert [r.times[0] for r in requests] == pytest.approx([sum(prefills[:i + 1]) for i in range(3)])
    assert all(g == pytest.approx(1.0) for r in requests for g in r.gaps[1:])


def test_a_forward_pass_costs_the_decode_steps_of_its_positions():
    from common.model import decode_flops, forward_flops
    config = ModelConfig(dim=64, n_layer=2, n_head=4, n_kv_head=2)
    assert forward_flops(config, 10) == sum(decode_flops(config, i) for i in range(1, 11))
    assert forward_flops(config, 400) / forward_flops(config, 100) > 4  # attention: n²


def test_slo_share_counts_requests_within_both_targets():
    from common.batching import meets_slo
    fast = Request(0, torch.zeros(2, dtype=torch.long), 3, times=[0.1, 0.2, 0.3])
    slow_first = Request(1, torch.zeros(2, dtype=torch.long), 2, arrival=0.0, times=[0.5, 0.6])
    slow_tokens = Request(2, torch.zeros(2, dtype=torch.long), 2, times=[0.1, 0.9])
    one_token = Request(3, torch.zeros(2, dtype=torch.long), 1, times=[0.1])
    assert meets_slo([fast, slow_first, slow_tokens, one_token], ttft=0.2, tpot=0.2) == 0.5


def test_unit_costs_are_measured_and_never_negative():
    from common.batching import unit_costs
    engine = Engine(model(), slots=2, max_len=64)
    step_s, prefill_s, per_token_s = unit_costs(engine, torch.arange(200) % 256, lengths=(8, 48))
    assert step_s > 0 and prefill_s >= 0 and per_token_s >= 0


def test_poisson_trace_is_deterministic_and_has_its_rate():
    data = torch.arange(1000) % 256
    a, b = poisson_trace(2000, 50.0, data, seed=3), poisson_trace(2000, 50.0, data, seed=3)
    assert [(r.arrival, r.max_new_tokens, r.prompt.tolist()) for r in a] == \
           [(r.arrival, r.max_new_tokens, r.prompt.tolist()) for r in b]
    assert poisson_trace(5, 50.0, data, seed=4)[0].arrival != a[0].arrival
    assert all(x.arrival < y.arrival for x, y in zip(a, a[1:]))
    assert abs(a[-1].arrival / len(a) - 1 / 50.0) < 0.1 / 50.0  # mean gap 1/rate, within 10%
    assert {r.max_new_tokens for r in a} == {16, 32, 64, 128, 256}


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50 and percentile(values, 0.99) == 99 and percentile(values, 1.0) == 100
    assert percentile([7.0], 0.99) == 7.0


def test_attending_over_the_filled_prefix_gives_the_same_logits():
    m = model()
    tokens = torch.randint(0, 256, (2, 30), generator=torch.Generator().manual_seed(8))
    with torch.no_grad():
        full = m(tokens)
        m.setup_cache(2, max_len=64)
        steps = [m(tokens[:, i:i + 1], torch.full((2, 1), i), kv_len=i + 1) for i in range(30)]
    torch.testing.assert_close(torch.cat(steps, 1), full, atol=1e-4, rtol=1e-4)
    cache = m.layers[0].attention.cache
    per_token = (cache.k.numel() * cache.k.element_size() * 2 * m.config.n_layer) / (2 * 64)
    assert per_token == kv_bytes_per_token(m.config, 4)


def test_recorded_results_follow_the_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_RESULTS_DIR", str(tmp_path))
    from common.results import metric, record
    path = record("ch99-test", "test.ipynb", CPU, {"x": metric(1.5, "x", "a figure")})
    schema = json.loads((ROOT / "schemas/results.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(doc)
    assert doc["provenance"]["device"] == "cpu" and doc["provenance"]["scale"] == "ci"
    for committed in (ROOT / "code/results").glob("*.json"):
        result = json.loads(committed.read_text(encoding="utf-8"))
        Draft202012Validator(schema).validate(result)
        assert result["provenance"]["scale"] == "full"


# --- quantization: the fused batch-1 form and the int4 reference path compute the dequantized product ---

def test_int8_fused_single_token_form_equals_the_dequantized_product():
    torch.manual_seed(9)
    q = Int8Linear(torch.nn.Linear(96, 40, bias=False))
    naive = Int8Linear(torch.nn.Linear(96, 40, bias=False), naive=True)
    naive.load_state_dict(q.state_dict())
    x = torch.randn(1, 1, 96)
    reference = x @ q.dequantized().T
    torch.testing.assert_close(q(x), reference, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(naive(x), reference, atol=1e-5, rtol=1e-5)


def test_bytes_a_step_moves_are_counted_from_the_weights_shapes():
    m = model()                                   # fp32 on a CPU: 4-byte activations
    shapes = [mod.weight.shape for mod in m.modules() if isinstance(mod, torch.nn.Linear)]
    weights = sum(n * k for n, k in shapes)
    assert linear_bytes(m) == {"stored": 4 * weights, "widened": 4 * weights}
    int8 = quantize(model(), bits=8)
    # int8 weights and one fp32 scale per output channel; widened: a 4-byte copy written and read again
    stored = weights + 4 * sum(n for n, _ in shapes)
    assert linear_bytes(int8) == {"stored": stored, "widened": stored + 2 * 4 * weights}
    int4 = quantize(model(), bits=4, group_size=32)
    assert linear_bytes(int4)["stored"] == weights // 2 + 4 * sum(n * k // 32 for n, k in shapes)


def test_profile_names_the_operators_a_call_ran_with_their_time():
    from common.measure import profile
    a, b = torch.randn(64, 64), torch.randn(64, 64)
    rows = profile(lambda: (a @ b).relu(), CPU)
    by_name = {name: (calls, us) for name, calls, us in rows}
    assert by_name["aten::mm"][0] == 1 and by_name["aten::mm"][1] > 0
    assert "aten::relu" in by_name or "aten::clamp_min" in by_name
    assert [us for _, _, us in rows] == sorted((us for _, _, us in rows), reverse=True)


def test_int4_reference_path_on_a_cpu():
    torch.manual_seed(10)
    linear = torch.nn.Linear(256, 64, bias=False)
    m = torch.nn.Sequential(Int4Linear(linear, group_size=128))
    assert use_tinygemm(m) == 0 and not m[0].tinygemm  # no tinygemm kernel off CUDA: the reference path stays
    x = torch.randn(3, 256)
    torch.testing.assert_close(m(x), x @ m[0].dequantized().T, atol=1e-5, rtol=1e-5)
    error = (m(x) - linear(x)).norm() / linear(x).norm()
    assert error < 0.2  # 4 bits: within a few percent of the original layer on random data


# --- speculative sampling: the rejection step keeps the target's distribution ---

def test_rejection_sampling_follows_the_target_distribution():
    rng = random.Random(11)

    def distribution(n):
        w = [rng.random() ** 3 for _ in range(n)]
        return [x / sum(w) for x in w]

    V, K, trials = 5, 3, 20000
    p = [distribution(V) for _ in range(K + 1)]
    q = [distribution(V) for _ in range(K)]
    counts = [[0] * V for _ in range(K + 1)]
    lengths = []
    for _ in range(trials):
        out = accept_or_resample(p, q, [sample(row, rng) for row in q], rng)
        lengths.append(len(out))
        for i, token in enumerate(out):
            counts[i][token] += 1
    for i in range(K + 1):  # Pearson's chi-square against p; 18.47 is the 0.999 quantile for 4 degrees of freedom
        n = sum(counts[i])
        chi2 = sum((c - n * pi) ** 2 / (n * pi) for c, pi in zip(counts[i], p[i]))
        assert n > 500 and chi2 < 18.47, (i, n, chi2)
    # The first token is accepted with probability sum(min(p, q)).
    accept_first = sum(1 for n in lengths if n >= 2) / trials
    assert abs(accept_first - sum(min(a, b) for a, b in zip(p[0], q[0]))) < 0.015


def test_a_draft_equal_to_the_target_is_always_accepted_when_sampling():
    rng = random.Random(12)
    p = [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25], [0.3, 0.3, 0.4]]
    for _ in range(200):
        assert len(accept_or_resample(p, p[:2], [sample(r, rng) for r in p[:2]], rng)) == 3


def test_speculative_sampling_runs_and_is_reproducible():
    target, draft = model(seed=0), model(seed=1, dim=32, n_layer=1)
    prompt = torch.randint(0, 256, (1, 6), generator=torch.Generator().manual_seed(6))
    a, stats = speculative_sample(target, draft, prompt, 20, k=3, seed=5)
    b, _ = speculative_sample(target, draft, prompt, 20, k=3, seed=5)
    assert a.shape == (1, 26) and torch.equal(a, b) and torch.equal(a[:, :6], prompt)
    assert sum(stats.pattern) == stats.accepted <= stats.proposed


def test_leviathan_formula():
    assert expected_tokens_per_pass(0.0, 4) == 1.0 and expected_tokens_per_pass(1.0, 4) == 5.0
    assert abs(expected_tokens_per_pass(0.8, 4) - (1 - 0.8 ** 5) / 0.2) < 1e-12
    assert abs(acceptance_from_tokens_per_pass(expected_tokens_per_pass(0.7, 4), 4) - 0.7) < 1e-9
    assert abs(expected_speedup(0.8, 4, 0.05) - expected_tokens_per_pass(0.8, 4) / 1.2) < 1e-12


# --- the pinned corpus ---

def test_the_corpus_is_pinned_and_checked(tmp_path):
    from common.data import CORPUS, CORPUS_SHA256, CorpusError, corpus, corpus_sha256, file_sha256, split
    assert corpus_sha256() == CORPUS_SHA256 == file_sha256(CORPUS)
    text = corpus(200_000)
    assert 60_000 < len(text) and text.count("\n\n") > 100 and "《" in text
    train, held = split(text)
    assert text.startswith(train) and text.endswith(held) and 0.03 < len(held) / len(text) < 0.07
    damaged = tmp_path / "corpus.txt.xz"
    data = bytearray(CORPUS.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match="corpus.txt.xz.*SHA-256"):
        corpus(1000, path=damaged)
    with pytest.raises(CorpusError, match="missing"):
        corpus(1000, path=tmp_path / "absent.xz")


# --- results: provenance, runs, atomic writes ---

def test_results_carry_runs_and_provenance(tmp_path, monkeypatch):
    from common.results import metric, record, timing
    monkeypatch.setenv("BOOK_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("BOOK_INPUTS_KEY", "abc123")
    monkeypatch.setenv("BOOK_INPUTS", json.dumps({"code/common/model.py": "0" * 64}))
    t = timing([0.3, 0.1, 0.2, 0.5, 0.4], "ms", "a timing", digits=2, scale_by=10)
    assert t["value"] == 3.0 and t["runs"] == [3.0, 1.0, 2.0, 5.0, 4.0]
    doc = json.loads(record("ch99-test", "t.ipynb", CPU, {"t": t, "x": metric(1, "x", "y")}).read_text("utf-8"))
    schema = json.loads((ROOT / "schemas/results.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(doc)
    assert doc["provenance"]["inputs_key"] == "abc123"
    assert doc["provenance"]["inputs"] == {"code/common/model.py": "0" * 64}
    assert len(doc["provenance"]["corpus_sha256"]) == 64
    monkeypatch.delenv("BOOK_INPUTS_KEY")
    doc = json.loads(record("ch99-test", "t.ipynb", CPU, {"x": metric(1, "x", "y")}).read_text("utf-8"))
    assert "inputs_key" not in doc["provenance"] and "inputs" not in doc["provenance"]


def test_a_second_notebook_of_a_chapter_records_its_own_stem(tmp_path, monkeypatch):
    from common.results import metric, record
    monkeypatch.setenv("BOOK_RESULTS_DIR", str(tmp_path))
    first = record("ch02-gpu-hardware", "decode_roofline.ipynb", CPU, {"x": metric(1, "x", "y")})
    second = record("ch02-gpu-hardware", "attention_kernels.ipynb", CPU, {"x": metric(2, "x", "y")},
                    stem="ch02-attention-kernels")
    assert (first.name, second.name) == ("ch02-gpu-hardware.json", "ch02-attention-kernels.json")
    doc = json.loads(second.read_text("utf-8"))
    assert (doc["chapter"], doc["notebook"]) == ("ch02-gpu-hardware", "attention_kernels.ipynb")
    assert json.loads(first.read_text("utf-8"))["metrics"]["x"]["value"] == 1


def test_concurrent_result_writes_never_collide(tmp_path):
    from common.results import write_atomic
    errors = []

    def writer(n):
        try:
            for i in range(200):
                write_atomic(tmp_path / "r.json", json.dumps({"writer": n, "i": i}))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and json.loads((tmp_path / "r.json").read_text())["i"] == 199
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_results_keep_a_files_mode_and_give_a_new_one_the_umasks(tmp_path):
    import os
    from common.results import write_atomic
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.json", "{}")
        kept = tmp_path / "kept.json"
        kept.write_text("{}")
        kept.chmod(0o640)
        write_atomic(kept, "[]")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() == "[]"


def test_a_corrupted_cached_model_is_named_and_rebuilt(tmp_path, monkeypatch, capsys):
    from common import train
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path))
    config = ModelConfig(dim=32, n_layer=1, n_head=2, n_kv_head=1, max_seq_len=32)
    options = {"steps": 2, "batch_size": 2, "seq_len": 16, "corpus_bytes": 50_000}
    first = train.trained_model(config, CPU, log=None, **options)
    [saved] = (tmp_path / "models").glob("*.pt")
    saved.write_bytes(b"not a torch file")
    messages = []
    again = train.trained_model(config, CPU, log=messages.append, **options)
    assert any(str(saved) in m and "unreadable" in m for m in messages)
    assert torch.load(saved, weights_only=True).keys() == first.state_dict().keys()
    assert again.training_report["steps"] == 2


@pytest.mark.parametrize("rowwise", [False, True])
def test_fp8_product_equals_the_widened_product_and_stays_close_to_exact(rowwise):
    from common import fp8
    generator = torch.Generator().manual_seed(0)
    x, w = torch.randn(32, 64, generator=generator), torch.randn(48, 64, generator=generator) * 0.02
    xq, xs = fp8.quantize(x, rowwise)
    wq, ws = fp8.quantize(w, rowwise)
    assert xq.dtype == torch.float8_e4m3fn and xq.float().abs().max() == 448  # the largest value reaches E4M3's max
    assert xs.shape == ((32, 1) if rowwise else ())
    out = fp8.matmul(xq, xs, wq, ws, out_dtype=torch.float32)
    assert fp8.relative_error(out, fp8.reference(xq, xs, wq, ws)) < 1e-6
    assert 1e-3 < fp8.relative_error(out, x @ w.t()) < 0.1        # E4M3 keeps 3 mantissa bits
