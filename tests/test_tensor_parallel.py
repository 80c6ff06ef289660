"""code/common/tensor_parallel.py: which heads a rank keeps, and TP=2 on
two CPU processes (gloo) giving the single-device output."""
from __future__ import annotations

import pytest

from common import tensor_parallel as tp
from common.model import ModelConfig

GQA = ModelConfig(dim=512, n_layer=1, n_head=8, n_kv_head=2)


@pytest.mark.parametrize("world, expected", [
    (1, [(0, 8, 0, 2)]),
    (2, [(0, 4, 0, 1), (4, 4, 1, 1)]),
    # more ranks than KV heads: each rank keeps the KV head its query
    # heads share, so ranks 0-1 hold head 0 and ranks 2-3 head 1
    (4, [(0, 2, 0, 1), (2, 2, 0, 1), (4, 2, 1, 1), (6, 2, 1, 1)]),
])
def test_each_rank_keeps_its_query_heads_and_their_kv_head(world,
                                                           expected):
    assert [tp.local_heads(GQA, r, world)
            for r in range(world)] == expected


@pytest.mark.parametrize("config, world", [
    (GQA, 3),                                           # 8 query heads
    (ModelConfig(dim=384, n_head=6, n_kv_head=3), 2),   # 3 KV heads
])
def test_a_split_that_does_not_divide_is_refused(config, world):
    with pytest.raises(ValueError):
        tp.local_heads(config, 0, world)


def test_two_cpu_processes_give_the_single_device_output():
    plan = tp.plan(full=False, device_type="cpu", timings=False)
    plan["config"]["n_kv_head"] = 1     # KV head replicated on both ranks
    found = tp.launch(tp.decode_worker, 2, "cpu", plan)
    assert found["world"] == 2 and found["token_agreement"] == 1.0
    assert found["max_logit_error"] < 1e-5
    # Each rank keeps half of every block's matrices (and the whole
    # embedding, output head and norms).
    assert found["weight_bytes_per_rank"] < 0.75 * found["weight_bytes"]
    assert found["environment"] == tp.NO_MULTICAST
