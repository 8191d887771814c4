import json

from nearcoder.trainers.data.corpus import CorpusOptions, build_corpus
from nearcoder.trainers.data.dataset_io import read_records
from nearcoder.trainers.data.decontamination import EvalSet

LEAK = ("The quick brown fox jumps over the lazy dog near the edge of the blockchain while the sharded runtime keeps "
        "processing receipts in parallel across every shard of the protocol.")


def test_fixture_docs_pipeline(tmp_path, fixtures):
    out, report = build_corpus([fixtures / "docs"], tmp_path / "corpus", CorpusOptions(min_words=20),
                               eval_sets=[EvalSet("leak", [LEAK])])
    records = read_records(out)
    sources = {r["source"] for r in records}
    assert report["too_short"] == 1 and report["near_duplicates"] == 1
    assert "docs/tiny.txt" not in sources
    assert len([s for s in sources if "access-keys" in s]) == 1
    leak_page = next(r for r in records if r["source"] == "docs/eval-leak.md")
    assert "quick brown fox" not in leak_page["text"] and "gas fees" in leak_page["text"]
    assert report["removed_by_set"]["leak"][0] == 1
    storage = next(r for r in records if r["source"] == "docs/storage-staking.md")["text"]
    assert "import Tabs" not in storage and "#[near]" in storage and "(/img" not in storage
    card = (out / "README.md").read_text()
    assert "Decontamination (13-gram overlap)" in card and "| leak | 1 | 1 |" in card
    assert json.loads((out / "build_info.json").read_text())["records"] == len(records)


def test_shared_near_docs_are_decontaminated_against_near_questions_sources(tmp_path, shared_data):
    from nearcoder.trainers.data.decontamination import default_eval_sets

    docs = shared_data / "near-docs" / "seed-nearDocs"
    out, report = build_corpus([docs], tmp_path / "c", eval_sets=default_eval_sets(shared_data))
    removed = report["removed_by_set"]["near_questions"]
    assert removed[0] > 0  # paragraphs the near_questions items were written from are cut
    texts = "\n".join(r["text"] for r in read_records(out))
    assert "layer-one, sharded, proof-of-stake blockchain built with usability in mind" not in texts
