import pytest
from nearcoder.trainers.memory_estimate import GIB, count_parameters, estimate_memory, load_config, token_budget

ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "c_fc", "c_proj"]


def test_starcoder2_parameter_counts_match_the_published_sizes():
    small = count_parameters(load_config("bigcode/starcoder2-3b"), 16, ALL_LINEAR, True)
    big = count_parameters(load_config("bigcode/starcoder2-15b"), 16, ALL_LINEAR, True)
    assert 3.0e9 < small.total < 3.05e9 and 15.9e9 < big.total < 16.0e9
    # LoRA r=16 on every projection of StarCoder2-3b: 30 layers x 16 x sum(in + out)
    per_layer = 16 * ((3072 + 3072) * 2 + (3072 + 256) * 2 + (3072 + 12288) * 2)
    assert small.lora == 30 * per_layer


def test_estimates_separate_what_fits_an_a10g():
    counts = count_parameters(load_config("bigcode/starcoder2-3b"), 16, ALL_LINEAR, True)
    lora = estimate_memory(counts, seq_len=2048, micro_batch=2, gradient_checkpointing=True, precision_bytes=2,
                           load_in_4bit=False, use_peft=True, preference_pairs=False)
    full = estimate_memory(counts, seq_len=2048, micro_batch=2, gradient_checkpointing=True, precision_bytes=2,
                           load_in_4bit=False, use_peft=False, preference_pairs=False)
    assert lora.total < 24 * GIB < full.total
    no_ckpt = estimate_memory(counts, seq_len=2048, micro_batch=2, gradient_checkpointing=False, precision_bytes=2,
                              load_in_4bit=False, use_peft=True, preference_pairs=False)
    assert no_ckpt.total > lora.total
    big = count_parameters(load_config("bigcode/starcoder2-15b"), 16, ALL_LINEAR, True)
    bf16 = estimate_memory(big, seq_len=2048, micro_batch=1, gradient_checkpointing=True, precision_bytes=2,
                           load_in_4bit=False, use_peft=True, preference_pairs=False)
    qlora = estimate_memory(big, seq_len=2048, micro_batch=1, gradient_checkpointing=True, precision_bytes=2,
                            load_in_4bit=True, use_peft=True, preference_pairs=False)
    assert qlora.total < 24 * GIB < bf16.total


def test_token_budget():
    budget = token_budget(seq_len=1024, micro_batch=2, accumulation=4, devices=1, max_steps=0, epochs=2, packing=True,
                          records=100, dataset_tokens=1024 * 80, preference_pairs=False, how="tokenized")
    assert budget.tokens_per_step == 8192 and budget.steps == 2 * 10 and budget.total_tokens == 8192 * 20


def test_unknown_model_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot estimate memory"):
        load_config("someone/unknown-model")
