"""Turn a project's README into a user prompt asking for its directory structure, without naming its files.

The default builder is offline and deterministic (:func:`prompt_from_readme`). It follows the seed's
example prompt (NEARCoder deck, "Structure-Aware Fine Tuning"): purpose, the files a NEAR dApp needs, the
dependencies, the main language, "configurations, tests, and NEAR-compatible contract files", features,
conventions. What it reads from the README:

- purpose: the first heading (emoji and badges removed) and the first prose sentences after it;
- language and frameworks: keywords in the README (``Rust``, ``TypeScript``, ``Next.js``, ``near-sdk-js`` …);
  a language is named only when the tree has source files in it; when the README names none of those, the
  tree's source files decide (:func:`tree_languages`, never its names);
- features: up to four short bullet items that read as features, not commands.

Code spans, code blocks, links' targets, and any phrase containing a name from the answer tree (other than
the generic words in ``GENERIC_WORDS``: "contract", "tests", "frontend" …) are dropped, so the prompt never
gives a file or folder of the answer away. :func:`leaked_names` checks exactly that.

:func:`prompt_from_endpoint` asks an OpenAI-compatible chat endpoint instead (``NEARCODER_PROMPT_ENDPOINT``,
``NEARCODER_PROMPT_MODEL``, ``NEARCODER_PROMPT_API_KEY``), with the seed's two-step instruction; the
dataset builder then freezes its answers into the JSONL, and the same leak check applies.
"""

from __future__ import annotations

import json
import re
import urllib.request

from nearcoder.harness.trees.model import Tree, tree_from_paths
from nearcoder.harness import settings

ENDPOINT_ENV = settings.PROMPT_ENDPOINT
MODEL_ENV = settings.PROMPT_MODEL
API_KEY_ENV = settings.PROMPT_API_KEY

# Folder names that are also the ordinary vocabulary of a request ("include tests and contract files").
GENERIC_WORDS = frozenset({
    "contract", "contracts", "test", "tests", "frontend", "backend", "scripts", "script", "docs", "config",
    "integration", "sandbox", "app", "src", "public", "components", "utils", "lib", "assets", "styles",
    "pages", "web", "client", "server", "api", "examples", "example", "hooks", "build", "deploy", "data",
    "common", "shared", "types", "models", "tutorial", "near", "wallet", "token", "nft", "ft", "counter",
    "main", "rust", "javascript", "typescript", "python", "js", "ts", "rs", "py", "website", "frontends",
})

LANGUAGES = [  # (pattern, name) in order of preference when several are mentioned
    (r"\brust\b|\bnear-sdk-rs\b|\bcargo\b", "Rust"),
    (r"\btypescript\b|\bnear-sdk-js\b|\.ts\b", "TypeScript"),
    (r"\bjavascript\b|\bnode\.?js\b", "JavaScript"),
    (r"\bpython\b|\bnear-sdk-py\b", "Python"),
    (r"\bassemblyscript\b", "AssemblyScript"),
]
SOURCE_EXTENSIONS = {"rs": "Rust", "ts": "TypeScript", "tsx": "TypeScript", "js": "JavaScript", "jsx": "JavaScript",
                     "mjs": "JavaScript", "cjs": "JavaScript", "py": "Python"}
FRAMEWORKS = [
    (r"next\.?js", "Next.js"), (r"\breact\b", "React"), (r"\bvite\b", "Vite"), (r"\bvue\b", "Vue"),
    (r"near-sdk-rs|near_sdk\b|near sdk for rust", "near-sdk-rs"), (r"near-sdk-js|near-sdk for js", "near-sdk-js"),
    (r"near-sdk-py", "near-sdk-py"), (r"near-api-js", "near-api-js"), (r"wallet[- ]selector", "NEAR Wallet Selector"),
    (r"near-workspaces|workspaces", "near-workspaces"), (r"cargo-near|cargo near", "cargo-near"),
    (r"\bava\b", "AVA"), (r"\bjest\b", "Jest"), (r"web3auth", "Web3Auth"), (r"chain signatures?", "Chain Signatures"),
    (r"\bexpress\b", "Express"), (r"\bdocker\b", "Docker"),
]
TOPICS = [  # what kind of dApp, for "dependencies and packages for …"
    (r"non-fungible|\bnft", "an NFT project"), (r"fungible token|\bft\b|nep-141", "a fungible token project"),
    (r"\bdao\b|multisig|multi-sig", "a multisig / DAO project"), (r"auction", "an auction dApp"),
    (r"donat", "a donation dApp"), (r"guest ?book", "a guest book dApp"), (r"oracle", "an oracle project"),
    (r"factory", "a contract factory"), (r"cross[- ]contract", "a cross-contract call project"),
    (r"chain signature|multichain|bitcoin|ethereum", "a chain-abstraction (multichain) project"),
    (r"crossword", "a crossword game"), (r"coin ?flip", "a coin-flip game"),
    (r"storage|collection", "a storage and collections example"),
    (r"upgrad|migrat", "an upgradable contract project"), (r"stak|delegat", "a staking / delegation dApp"),
    (r"counter", "a counter dApp"), (r"drop", "a token drop project"), (r"intent", "a NEAR Intents project"),
]
# Headings that name a README section, not the project.
_SECTION_TITLE = re.compile(
    r"^(getting started|overview|quick ?(install|start)|install(ation)?|description|limitations|introduction|about|"
    r"setup|website|readme|warning.*|wip|usage|requirements|prerequisites|table of contents|todo|how to .*)$", re.I)
# Sentences that instruct the reader instead of describing the project.
_INSTRUCTION = re.compile(
    r"^(first|then|next|finally|you can|you will|to |install|run |open |note|if |before|after|make sure|please|"
    r"see |check|clone|go to|for non|this command|the page auto-updates|originally based|todo|the easiest way|"
    r"most changes are reflected|in this example we will be using)", re.I)
_COMMAND = re.compile(r"^(npm|npx|yarn|pnpm|cargo|near|git|cd|rustup|bun|uv|pip|python|node|export|curl)\b", re.I)
_WORD = re.compile(r"[A-Za-z0-9_.\-]+")


GAP = "\u2591"  # marks where code was cut out: a sentence with a gap is dropped (it would read "install and run")
LINKED = "\u2592"  # marks link text: list items made of links are resource lists, not features


def _strip_markdown(text: str) -> str:
    text = re.sub(r"```.*?(```|$)", "\n", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images, badges
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", LINKED + r"\1", text)  # links -> their text
    text = re.sub(r"\[([^\]]*)\](\[[^\]]*\])?", r"\1", text)  # reference-style links
    text = re.sub(r"`[^`]*`", GAP, text)  # code spans name files and commands
    text = re.sub(r"[*_]{1,3}([^*_]+)[*_]{1,3}", r"\1", text)
    return text


def _clean_line(line: str) -> str:
    line = "".join(ch for ch in line if ch.isascii() or ch.isalpha() or ch in (GAP, LINKED))
    return re.sub(r"\s+", " ", line).strip(" -:#>|")


def _answer_names(tree: Tree) -> set[str]:
    names = set()
    for _, node in tree.walk():
        name = node.name
        if name.lower() not in GENERIC_WORDS:
            names.add(name.lower())
    return names


def leaked_names(prompt: str, tree: Tree) -> list[str]:
    """Names of answer entries (beyond ``GENERIC_WORDS``) that appear in ``prompt`` as whole words."""
    said = {w.lower().strip(".-_") for w in _WORD.findall(prompt)} | {w.lower() for w in _WORD.findall(prompt)}
    return sorted(n for n in _answer_names(tree) if n in said)


def _safe(phrase: str, names: set[str]) -> bool:
    words = {w.lower().strip(".-_") for w in _WORD.findall(phrase)} | {w.lower() for w in _WORD.findall(phrase)}
    return not (words & names)


def _sentences(paragraph: str) -> list[str]:
    sentences = (s.strip().lstrip(" .,;:-").strip() for s in re.split(r"(?<=[.!?])\s+", paragraph))
    return [s for s in sentences if s]


def readme_facts(readme: str, tree: Tree) -> dict:
    """Title, purpose, language(s), frameworks, topic and features read from the README (see the module doc)."""
    names = _answer_names(tree)
    lines = readme.splitlines()
    title = ""
    for line in lines:
        if line.lstrip().startswith("#"):
            title = _clean_line(_strip_markdown(line.lstrip("# "))).replace(LINKED, "").replace(GAP, "").strip()
            if title:
                break
    if _SECTION_TITLE.match(title) or (" " not in title and re.search(r"[-_]", title)):
        title = ""  # a section heading or a folder-like identifier says nothing about the project
    text = _strip_markdown(readme)
    paragraphs, current = [], []
    for line in text.splitlines():
        stripped = line.strip()
        structural = stripped.startswith(("#", "|", "-", "*", ">", "1.", "2.", "3."))
        if not stripped or structural or _COMMAND.match(stripped):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(_clean_line(stripped))
    if current:
        paragraphs.append(" ".join(current))
    purpose: list[str] = []
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            words = sentence.split()
            if (5 <= len(words) <= 45 and _safe(sentence, names) and "http" not in sentence.lower()
                    and GAP not in sentence and not sentence.endswith(":") and not _INSTRUCTION.match(sentence)
                    and "===" not in sentence):
                sentence = re.sub(r"\s+", " ", sentence.replace(LINKED, " ")).strip().lstrip(".,;:- ")
                if len(sentence.split()) >= 5:
                    purpose.append(sentence if sentence[-1] in ".!?" else sentence + ".")
            if len(purpose) == 2:
                break
        if len(purpose) == 2:
            break
    features = []
    for line in text.splitlines():
        match = re.match(r"^\s*[-*+]\s+(.*)$", line)
        if not match:
            continue
        item = _clean_line(match.group(1))
        words = item.split()
        if (3 <= len(words) <= 18 and not _COMMAND.match(item) and _safe(item, names) and "http" not in item.lower()
                and GAP not in item and LINKED not in item and not item.endswith(":")):
            features.append(item.rstrip("."))
        if len(features) == 4:
            break
    lowered = readme.lower()
    present = tree_languages(tree)
    languages = [name for pattern, name in LANGUAGES if re.search(pattern, lowered) and name in present]
    if not languages:
        languages = present[:2]
    frameworks = [name for pattern, name in FRAMEWORKS if re.search(pattern, lowered)]
    topic = next((label for pattern, label in TOPICS if re.search(pattern, (title + " " + lowered[:1500]))), "")
    if title and not _safe(title, names):
        title = ""
    return {"title": title, "purpose": purpose, "languages": languages, "frameworks": frameworks[:5],
            "topic": topic, "features": features}


def tree_languages(tree: Tree) -> list[str]:
    """The languages the tree has source files in, most files first (config files such as
    ``next.config.js`` do not count; AssemblyScript is TypeScript under ``assembly/`` or next to
    ``asconfig.json``)."""
    counts: dict[str, int] = {}
    paths = tree.file_paths()
    assemblyscript = any(p.rsplit("/", 1)[-1] == "asconfig.json" for p in paths)
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if ".config." in name or "." not in name:
            continue
        language = SOURCE_EXTENSIONS.get(name.rsplit(".", 1)[-1].lower())
        if language == "TypeScript" and (assemblyscript or "assembly/" in f"/{path}"):
            language = "AssemblyScript"
        if language:
            counts[language] = counts.get(language, 0) + 1
    return sorted(counts, key=lambda lang: (-counts[lang], lang))


def describes_project(readme: str, tree: Tree) -> bool:
    """Whether the README says what the project is (a purpose sentence or a feature), so a prompt can be built."""
    facts = readme_facts(readme, tree)
    return bool(facts["purpose"] or facts["features"])


def prompt_from_readme(readme: str, tree: Tree, parent_readme: str | None = None,
                       description: str | None = None) -> str:
    """The deterministic prompt for one (README, tree) pair.

    ``parent_readme`` (the repository root's README, for a sub-project) supplies the purpose when the
    sub-project's own README has none, as in a framework's boilerplate README for a frontend.
    ``description`` (a reviewer's hand-written description, see ``prompt_review.toml``) replaces what the
    README says: the prompt then keeps only it and the language line read from the tree's files.
    """
    if description is not None:
        facts = {"title": "", "purpose": [], "languages": tree_languages(tree)[:2], "frameworks": [],
                 "topic": next((label for pattern, label in TOPICS if re.search(pattern, description.lower())), ""),
                 "features": []}
        return _assemble(facts, description.strip())
    facts = readme_facts(readme, tree)
    if not facts["purpose"] and parent_readme:
        parent = readme_facts(parent_readme, tree)
        if parent["purpose"]:
            facts["purpose"] = parent["purpose"]
            facts["title"] = facts["title"] or (f"part of {parent['title']}" if parent["title"] else "")
            facts["topic"] = facts["topic"] or parent["topic"]
    title = facts["title"]
    purpose = " ".join(facts["purpose"])
    if title.startswith("part of "):
        first = f'The project is one part of "{title[8:]}".'
    else:
        first = f'The project is "{title}".' if title else "The project is a NEAR Protocol dApp."
    return _assemble(facts, f"{first} {purpose}".strip())


def _assemble(facts: dict, opening: str) -> str:
    """The seed-shaped prompt around ``opening`` (what the project is) and the facts' other lines."""
    items = [opening]
    items.append("Use the files typically required for a NEAR Protocol DApp that builds, tests and deploys.")
    topic = facts["topic"] or "this kind of project"
    items.append(f"Include all relevant dependencies and packages for {topic} on the NEAR Protocol.")
    langs = facts["languages"]
    if langs:
        lang = langs[0] if len(langs) == 1 else ", ".join(langs[:-1]) + " and " + langs[-1]
        noun = "language" if len(langs) == 1 else "languages"
        items.append(f"The main coding {noun} should be {lang}.")
    if facts["frameworks"]:
        items.append(f"Use {', '.join(facts['frameworks'])} where they fit.")
    items.append("Ensure the project includes configurations, tests, and NEAR-compatible contract files.")
    if facts["features"]:
        items.append("Key features: " + "; ".join(facts["features"]) + ".")
    items.append("Capture any common NEAR DApp structure conventions while setting up the project.")
    body = "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    return ("Create a project structure for a NEAR DApp based on the following requirements:\n\n"
            f"{body}\n\nProvide a well-organized directory structure and file list based on these requirements.")


SEED_EXAMPLE = prompt_from_readme(
    "# Nearuko NFT\n\nThe project should be related to the Nearuko NFT, which can be converted into a character in "
    "the Etheruko game. Written in TypeScript.", tree_from_paths(["src/index.ts"]))


def endpoint_configured() -> bool:
    return bool(settings.prompt_endpoint())


def prompt_from_endpoint(repo_name: str, readme: str, tree_text: str, timeout: float = 60.0) -> str:
    """Ask the configured OpenAI-compatible ``/chat/completions`` endpoint for a prompt (the seed's recipe)."""
    base = settings.prompt_endpoint()
    if not base:
        raise RuntimeError(f"{ENDPOINT_ENV} is not set; the offline builder needs no endpoint")
    model = settings.prompt_model()
    instruction = (
        f"You are provided with a GitHub repository called\n{repo_name}\n\n. This repository has the following "
        f"directory structure\n{tree_text}\n\nThe README file contains the following information\n{readme[:6000]}\n\n"
        "Step 1: Extract all the relevant information from the README file needed to predict the corresponding "
        "tree for a NEAR DApp, such as necessary files, dependencies, packages, and any particular coding languages "
        "or frameworks that should be used. Step 2: Write a perfect user prompt asking a coding assistant to create "
        "a project structure based only on the extracted information from the README file. Only return the user "
        "prompt from Step 2. Do not return any information about the tree or file names. Here is an example\n"
        f"{SEED_EXAMPLE}\n\n"
    )
    payload = {"model": model, "max_tokens": 500, "temperature": 0,
               "messages": [{"role": "system", "content": "You are a helpful assistant."},
                            {"role": "user", "content": instruction}]}
    request = urllib.request.Request(f"{base}/chat/completions", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    key = settings.prompt_api_key()
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - operator-configured URL
        body = json.load(response)
    return str(body["choices"][0]["message"]["content"]).strip()
