from nearcoder.trainers.data.near_duplicates import find_near_duplicates, jaccard, shingles

BASE = ("An account on NEAR can hold many access keys. A full access key can do anything the account can do, "
        "including deleting the account and adding new keys, so it must be protected like a password. A function "
        "call access key can only call a chosen set of methods on a single contract, and it can carry an allowance "
        "that limits how much gas it may spend on behalf of the account owner. Applications use function call keys "
        "so that users do not need to confirm every small transaction in their wallet, which makes games and social "
        "applications feel like ordinary web applications while keeping the funds of the user safe.")


def test_near_duplicate_is_found_and_first_kept():
    other = ("Completely different text about sharding and validators producing chunks in parallel across the "
             "network of the protocol.")
    texts = [BASE, BASE.replace("password", "secret phrase"), other]
    drop = find_near_duplicates(texts, threshold=0.8)
    assert set(drop) == {1} and drop[1][0] == 0 and drop[1][1] >= 0.8


def test_threshold_controls_what_counts():
    half = BASE[: len(BASE) // 2] + " ".join(f"word{i}" for i in range(80))
    assert find_near_duplicates([BASE, half], threshold=0.95) == {}
    assert jaccard(shingles(BASE), shingles(half)) < 0.95


def test_exact_duplicates_of_short_texts():
    assert set(find_near_duplicates(["tiny text", "tiny text", "other"])) == {1}
