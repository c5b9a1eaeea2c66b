# Two commands for a new user: `make run` (assistant + web chat) and `make test`.
# Every target sets itself up (virtualenv, training) when needed, idempotently.

SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL_DIR := models
MIN_NLU_ACCURACY ?= 0.85
# Held-out knowledge set (tests/heldout): shares answered right / declined or referred.
export MIN_KNOWLEDGE_ANSWERED ?= 0.95
export MIN_KNOWLEDGE_DECLINED ?= 0.95

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

TRAINING_INPUTS := config.yml $(wildcard domain/*.yml) $(shell find data -name '*.yml')
STAMP := $(VENV)/.installed

TEST_PACKS := $(CURDIR)/var/test-language-packs

.PHONY: help setup models models-list test-packs lint pytest validate train test-stories \
	nlu-eval test-integration web test shell run actions bench loadtest report clean

help:
	@echo "make run          start the assistant (Rasa server + action server) and print its URL"
	@echo "make shell        chat on the command line"
	@echo "make test         lint, pytest, data validation, training if needed, conversation tests,"
	@echo "                  NLU evaluation, then the tests on the real stack"
	@echo "make lint         ruff"
	@echo "make pytest       unit and content tests (no running stack)"
	@echo "make validate     rasa data validate --fail-on-warnings"
	@echo "make train        train when config, domain or data changed"
	@echo "make test-stories conversation tests (tests/test_stories.yml)"
	@echo "make nlu-eval     held-out NLU evaluation (tests/nlu)"
	@echo "make test-integration  browser, bad input, faults, deployment tests on the real stack"
	@echo "make web          build the web chat page (web/dist)"
	@echo "make actions      run the action server alone"
	@echo "make bench        print accuracy, latency, training time and memory figures"
	@echo "make loadtest     realistic, saturation and long-conversation load figures"
	@echo "make report       content-gap report of the stored conversations (results/report/index.html)"
	@echo "make models       install the language packs (internet), or: make models FROM=folder"
	@echo "make models-list  list the installed language packs"
	@echo "make setup        create the virtualenv (every target does when needed)"
	@echo "make clean        remove models, results, caches and web/dist"

# --- setup -------------------------------------------------------------------------
$(STAMP): requirements.txt requirements-dev.txt
	@PY=$$(tools/find-python.sh) || exit 1; \
	if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $$PY"; $$PY -m venv $(VENV); fi
	$(BIN)/pip install --quiet --upgrade pip wheel "setuptools<70"
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

setup: $(STAMP)

# --- language packs ----------------------------------------------------------------
# From the Argos package index (needs internet), or from local .argosmodel files; then
# every answer is translated once into each installed language (var/translations/).
models: $(STAMP)
	$(BIN)/python -m bot.translation.packs install $(if $(FROM),--from "$(FROM)")
	$(BIN)/python -m bot.rendering.reply_translation build

models-list: $(STAMP)
	$(BIN)/python -m bot.translation.packs list
	$(BIN)/python -m bot.rendering.reply_translation status

# The tiny fixture packs (de<->en, ar<->en) for conversation tests, kept apart.
test-packs: $(STAMP)
	@LANGUAGE_PACKS_DIR=$(TEST_PACKS) $(BIN)/python -m bot.translation.packs install \
	  --from tests/fixtures/argos >/dev/null

# --- checks ------------------------------------------------------------------------
lint: $(STAMP)
	$(BIN)/ruff check bot actions tests tools

# Unit and content tests; the tests that run the real stack come after training.
INTEGRATION_TESTS := tests/web tests/robustness tests/deployment tests/heldout
pytest: $(STAMP)
	$(BIN)/python -m pytest -q tests $(addprefix --ignore=,$(INTEGRATION_TESTS))

validate: $(STAMP)
	$(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

# Rasa fingerprints config, domain and data: nothing retrains when nothing changed.
# Older models are removed; Rasa compares against the newest one.
train: $(STAMP)
	$(RASA) train --domain domain --data data --config config.yml --out $(MODEL_DIR)
	@ls -t $(MODEL_DIR)/*.tar.gz | tail -n +2 | xargs -r rm -f

test-stories: train test-packs
	LANGUAGE_PACKS_DIR=$(TEST_PACKS) $(RASA) test core --stories tests/test_stories.yml --model $(MODEL_DIR) \
	  --e2e --fail-on-prediction-errors --out results/stories

nlu-eval: train test-packs
	LANGUAGE_PACKS_DIR=$(TEST_PACKS) $(BIN)/python tools/evaluate_nlu.py --model $(MODEL_DIR) --data tests/nlu \
	  --min-accuracy $(MIN_NLU_ACCURACY)

# The real stack: web chat in headless Chromium, bad input, faults, scale-out, and the
# held-out knowledge evaluation (right fact with its source, honest declines).
test-integration: train web
	$(BIN)/python -m pytest -q $(INTEGRATION_TESTS)

test: lint pytest validate train test-stories nlu-eval test-integration
	@echo "All checks passed."

# --- web chat ------------------------------------------------------------------------
# web/src is bundled with esbuild into web/dist, which bot.channels.webchat serves at
# /webhooks/webchat/. npm ci runs only when package(-lock).json changed, the build only
# when a source changed (web/dist/index.html is written last and is the marker).
WEB_SOURCES := $(wildcard web/src/*) web/build.mjs web/tsconfig.json web/package.json

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "The web chat needs Node.js 18+ with npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent typecheck && npm run --silent build

web: web/dist/index.html

# --- running -----------------------------------------------------------------------
actions: $(STAMP)
	$(RASA) run actions --actions actions

shell: train
	tools/serve.sh shell

run: train web
	tools/serve.sh run

bench: train
	$(BIN)/python tools/bench.py

# Loopback load test (bounded; stops by itself): realistic, saturation, long conversation.
loadtest: train
	$(BIN)/python tools/loadtest.py

# The content team's report: the stored conversations within RETENTION_DAYS (bot/report/).
report: $(STAMP)
	$(BIN)/python -m bot.report --out results/report

clean:
	rm -rf $(MODEL_DIR) results .pytest_cache .ruff_cache web/dist
