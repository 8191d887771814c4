from nearcoder.trainers.data.text_cleaning import clean_markdown, word_count


def test_clean_markdown_drops_markup_and_keeps_code():
    text = (
        "---\nid: x\ntitle: T\n---\nimport Tabs from '@theme/Tabs';\n\n# Title {#anchor}\n\n"
        "See the [docs](https://docs.near.org) ![img](a.png) <Tabs>here</Tabs>.\n\n\n\n"
        "```js\nimport { near } from 'near-sdk-js';\nconst a = '<b>';\n```\n"
    )
    out = clean_markdown(text)
    assert "id: x" not in out and "@theme/Tabs" not in out and "{#anchor}" not in out
    assert "See the docs  here." in out
    assert "import { near } from 'near-sdk-js';\nconst a = '<b>';" in out  # code block untouched
    assert "\n\n\n" not in out


def test_word_count():
    assert word_count("near-sdk is fun") == 4
