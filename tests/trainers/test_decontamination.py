from nearcoder.trainers.data.decontamination import (
    ContaminationIndex,
    EvalSet,
    decontaminate,
    default_eval_sets,
    section_text,
)

EVAL = ("The quick brown fox jumps over the lazy dog near the edge of the blockchain while the sharded runtime "
        "keeps processing receipts in parallel")


def test_paragraph_with_eval_ngram_is_cut_and_counted():
    index = ContaminationIndex.build([EvalSet("demo", [EVAL])], n=13)
    text = "Clean paragraph about gas fees and storage staking on the protocol.\n\nPrefix words. " + EVAL + ".\n\nEnd."
    result = decontaminate(text, index, max_removed_fraction=0.9)
    assert EVAL not in result.text and "Clean paragraph" in result.text and "End." in result.text
    assert result.removed["demo"][0] == 1


def test_mostly_eval_document_is_dropped():
    index = ContaminationIndex.build([EvalSet("demo", [EVAL])], n=13)
    result = decontaminate(EVAL + "\n\nshort tail", index, max_removed_fraction=0.5)
    assert result.text is None and result.removed["demo"][0] == 1


def test_unrelated_text_is_kept_and_short_eval_texts_need_min_words():
    index = ContaminationIndex.build([EvalSet("q", ["What is NEAR?", "Which consensus does NEAR Protocol use today"])],
                                     n=13, min_words=5)
    assert index.match("Which consensus does NEAR Protocol use today") == "q"  # 7 words >= min_words
    assert index.match("What is NEAR?") is None  # 3 words < min_words: too generic to count
    assert index.match("Totally unrelated words about cooking pasta at home tonight") is None


def test_section_text_picks_the_heading_section():
    doc = "# A\nintro\n## Why NEAR {#why}\nbecause\n### sub\nmore\n## Other\nnope"
    assert section_text(doc, "why") == "## Why NEAR {#why}\nbecause\n### sub\nmore"
    assert section_text(doc, "Why NEAR").endswith("more")
    assert section_text(doc, "missing") == doc


def test_default_eval_sets_use_the_mirror(shared_data):
    sets = {s.name: s for s in default_eval_sets(shared_data)}
    assert len(sets["humaneval"].texts) == 2 * (164 + 164)
    assert any(o.startswith("source:") for o in sets["near_questions"].origin)  # item sources resolved
    assert sets["near_questions"].texts


def test_sources_listing_contributes_whole_files(tmp_path):
    from nearcoder.harness.cards import task_card
    from nearcoder.trainers.data.decontamination import eval_set

    (tmp_path / "mirror" / "near-docs" / "NEPs").mkdir(parents=True)
    (tmp_path / "mirror" / "near-docs" / "NEPs" / "nep-1.md").write_text(EVAL)
    data = tmp_path / "tasks" / "near_questions" / "data"
    data.mkdir(parents=True)
    (data / "test.jsonl").write_text('{"id": "q1", "question": "Q?", "answer": "A.", "source": "NEPs/missing.md"}\n')
    (data / "sources.json").write_text('{"corpus_root": "near-docs", "files": ["NEPs/nep-1.md", "NEPs/gone.md"]}')
    card = task_card("near_questions")  # its [decontamination] read against a folder laid out the same way
    result = eval_set(card, tmp_path / "mirror", folder=tmp_path / "tasks" / "near_questions")
    assert EVAL in result.texts and "sources.json:NEPs/nep-1.md" in result.origin
    assert not any("gone.md" in o for o in result.origin)
