# Candibot — every target runs inside the project's virtual environment (.venv).
# `make chat` and `make test` are the README's two commands, spelled out there without make too.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup setup-test setup-st chat test eval bench index clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

setup: $(BIN)/python
	$(BIN)/pip install -e .

setup-test: $(BIN)/python
	$(BIN)/pip install -e ".[test]"

# The optional sentence-transformers route (make eval's MiniLM baseline). The CPU build of PyTorch
# first: a plain `torch` requirement would pull a multi-GB CUDA build.
setup-st: $(BIN)/python
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e ".[sentence-transformers]"

chat: setup
	$(BIN)/candibot chat

test: setup-test
	$(BIN)/python -m pytest

index:
	$(BIN)/candibot index build

eval: setup-st
	$(BIN)/python eval/run_eval.py --write docs/evaluation-results.md
	$(BIN)/python eval/eval_reading.py --write docs/evaluation-results.md

# Every figure beside its baseline and target, printed as it is measured (about 12 min on 2 cores;
# `make bench BENCH=--quick` for a 3-minute smoke run that writes nothing). Needs the test command's
# environment (the loopback Bot API stand-in uses aiohttp).
BENCH ?= --write docs/benchmarks.md
bench:
	$(BIN)/python bench/bench_all.py $(BENCH)

clean:
	rm -rf index/ .pytest_cache build *.egg-info
