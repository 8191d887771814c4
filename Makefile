# NEARCoder eval — the two commands a new user needs:
#   make demo   set up, build the tiny checkpoint, run every near_* task on it, publish, serve the leaderboard
#   make test   set up, run the self-tests and the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
PORT ?= 7860
export NEARCODER_DATA_DIR ?= $(abspath ../shared/data)
export TOKENIZERS_PARALLELISM := false

.PHONY: venv system prepare demo demo-eval test test-fast bench style quality clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip setuptools wheel
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system:  ## system packages (bubblewrap, docker, node, chromium), dockerd, the sandbox image
	bash scripts/setup_system.sh

prepare: venv system  ## offline caches of every task card's [prepare]: HumanEval's npm/crates, the pre-built near-sdk
	$(BIN)/nearcoder prepare all

demo-eval: prepare
	$(BIN)/nearcoder demo-model --out $(OUT)/demo-model
	HF_HUB_OFFLINE=1 $(BIN)/nearcoder eval --model hf --model_args pretrained=$(OUT)/demo-model,dtype=float32 \
	  --device cpu --tasks near --limit 3 --gen_kwargs max_gen_toks=96 --confirm_run_unsafe_code \
	  --output_path $(OUT)/results --log_samples
	$(BIN)/nearcoder publish $(OUT)/results --db sqlite:///$(abspath $(OUT))/leaderboard.db

demo: demo-eval
	$(BIN)/nearcoder leaderboard --db sqlite:///$(abspath $(OUT))/leaderboard.db --port $(PORT)

test: prepare
	$(BIN)/nearcoder selftest all --out $(OUT)/selftest
	$(BIN)/pytest -n 2 --durations=15

test-fast: venv  ## unit tests only: no lm_eval runs, no sandboxes, no browser
	$(BIN)/pytest -n 2 -m "not slow and not sandbox and not docker and not browser"

bench: prepare
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

style: venv
	$(BIN)/pip install -q ruff && $(BIN)/ruff format . && $(BIN)/ruff check --fix .

quality: venv
	$(BIN)/pip install -q ruff && $(BIN)/ruff format --check . && $(BIN)/ruff check .

clean:
	rm -rf $(OUT) build dist *.egg-info .pytest_cache
