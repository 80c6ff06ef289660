"""code/common: the cache, quantization, speculative decoding and batching keep the model's answers."""
from __future__ import annotations

import json
import sys

import pytest
import torch
from jsonschema import Draft202012Validator

from conftest import ROOT

sys.path.insert(0, str(ROOT / "code"))

from common.batching import Request, run_continuous, run_static  # noqa: E402
from common.generate import generate, generate_no_cache, speculative_generate  # noqa: E402
from common.model import ModelConfig, Transformer, parameter_bytes  # noqa: E402
from common.quantize import Int4Linear, Int8Linear, quantize  # noqa: E402

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


def test_batching_schedulers_give_each_request_its_own_greedy_answer():
    m = model()

    def requests():
        g = torch.Generator().manual_seed(7)
        return [Request(i, torch.randint(0, 256, (4 + i % 5,), generator=g), 2 + (i * 7) % 13) for i in range(9)]

    static, continuous = requests(), requests()
    s, c = run_static(m, static, 3, CPU), run_continuous(m, continuous, 3, CPU)
    assert [r.output for r in static] == [r.output for r in continuous]
    for r in continuous:
        alone = generate(m, r.prompt[None], r.max_new_tokens)[0, len(r.prompt):].tolist()
        assert r.output == alone
    assert c.iterations < s.iterations and c.utilization > s.utilization


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
