# The two commands of the course: `make lab` and `make test`. Both create .venv if it is
# missing and install requirements.txt into it, pinned to the exact tested versions of
# constraints.txt (strict nbval compares outputs made with them); nothing needs installing
# by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: setup lab check test test-portable test-envs notebooks twins slides site slide-metadata bench upgrade clean

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml binder/overrides.json
	@# the Python that makes (or made) .venv must be one the pinned set installs on
	@if test -x $(BIN)/python; then $(BIN)/python scripts/check_python.py; \
	  else $(PYTHON) scripts/check_python.py; fi
	@test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); } || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install it with: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	@# JupyterLab's defaults for the live slides (jupyterlab-deck on JupyterLab >= 4.1)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

# JupyterLab refuses to run as root unless told to (containers, Colab-like machines).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# The edition the learner's locale asks for: the Korean one (notebooks/ko/, 한국어판) when
# LANG or LC_ALL starts with "ko", the English one otherwise.
EDITION := $(if $(filter ko%,$(LC_ALL) $(LANG)),notebooks/ko,notebooks)

lab: setup  ## open the course in JupyterLab (한국어판: make lab LANG=ko_KR.UTF-8)
	@echo "opening $(EDITION)/; the other edition: make lab LANG=$(if $(filter notebooks/ko,$(EDITION)),en_US,ko_KR).UTF-8 (한국어판: notebooks/ko/)"
	$(BIN)/jupyter lab $(AS_ROOT) $(EDITION)/

# `make check`: the fast gate while editing (its time is in README, measured by
# benchmarks/run_times.py): lint, the layers (import-linter, .importlinter), the unit tests
# that train nothing, the text twins, the notebooks' format (launch cells, slide metadata,
# parameters, claims ledger), README's numbers. `make test` stays the full gate.
CHECK_TESTS := $(addprefix tests/test_,spec.py analysis.py cost.py fonts.py charts.py \
  diagrams.py cli.py metrics.py data.py widgets.py widget_compat.py factorization.py \
  stages.py recipe_widgets.py exercises.py launch.py colab_plan.py binder.py \
  check_python.py portability.py twins.py slides_metadata.py notebook_parameters.py \
  ledger.py site_build.py stable_widget_ids.py function_size.py registry.py layers.py \
  readme_tables.py docstring_timings.py verdicts.py)

check: setup  ## lint, the unit tests that need no training, twins and format checks (fast)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q $(CHECK_TESTS)

# The notebooks that train: their checked outputs must not depend on float noise.
TRAINING_NOTEBOOKS := 01 03 05 06 07 08 09 10 11

# Strict nbval runs under other float kernels than `make notebooks` stored the outputs with
# (TensorFlow's Eigen kernels instead of oneDNN's): every CI run is a second machine.
test: setup  ## lint, unit tests, and every notebook under nbval (strict, other kernels)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -rs tests
	$(BIN)/python scripts/portability.py kernels --threads 2

test-portable: setup  ## checked outputs on another machine: other kernels, one thread, other seeds
	$(BIN)/python scripts/portability.py kernels $(TRAINING_NOTEBOOKS)
	$(BIN)/python scripts/portability.py seeds

# uv (for `--resolution lowest-direct`) in a tool environment of its own, beside the course's
ENVS := build/envs
UV   := $(ENVS)/tools/bin/uv

$(UV):
	$(PYTHON) -m venv $(ENVS)/tools
	$(ENVS)/tools/bin/python -m pip install --quiet "uv>=0.5,<1"

test-envs: setup $(UV)  ## lowest allowed versions and Colab's versions: unit tests, every notebook (not in CI)
	$(BIN)/python scripts/test_envs.py --uv $(UV) floors colab

# `make notebooks NB=07` re-runs one notebook (several: NB="07 09"); no NB: all of them.
NB ?=
NOTEBOOK_FILES = $(if $(NB),$(foreach n,$(NB),$(wildcard notebooks/$(n)_*.ipynb)),notebooks/*.ipynb)

notebooks: setup  ## re-run notebooks top to bottom and store their outputs (NB=07: one)
	@test -n "$(strip $(NOTEBOOK_FILES))" || { echo "error: no notebook NB=$(NB); allowed: 00 to 11"; exit 2; }
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False $(NOTEBOOK_FILES)
	$(BIN)/python scripts/stable_widget_ids.py $(NOTEBOOK_FILES)  # a re-run changes no id
	$(BIN)/python scripts/slide_rules.py $(NOTEBOOK_FILES)  # slide breaks fit the new outputs
	$(BIN)/jupytext --quiet --to "text//md:myst" $(NOTEBOOK_FILES)

twins: setup  ## rewrite every notebook's text twin, notebooks/text/NN_name.md (jupytext.toml)
	$(BIN)/jupytext --quiet --to "text//md:myst" notebooks/*.ipynb

slides: setup  ## lecture decks of every notebook, offline reveal.js: build/slides/index.html (한국어판: ko/)
	$(BIN)/python scripts/build_slides.py --out build/slides

site: setup  ## the course website, both editions, from stored outputs: build/site/index.html (ko/)
	$(BIN)/python scripts/build_site.py --out build/site

slide-metadata: setup  ## re-apply the Colab/Binder cells and the RISE slide metadata to every notebook
	$(BIN)/python scripts/add_launch_cells.py notebooks/*.ipynb
	$(BIN)/python scripts/slide_rules.py notebooks/*.ipynb

bench: setup  ## measured speed ratios (not part of CI)
	$(BIN)/python benchmarks/analysis_speed.py
	$(BIN)/python benchmarks/widget_speed.py
	$(BIN)/python benchmarks/text_width_speed.py
	$(BIN)/python benchmarks/training_speed.py

upgrade: setup  ## newest versions requirements.txt allows -> constraints.txt, then notebooks and tests
	$(BIN)/python -m pip install --quiet --upgrade --upgrade-strategy eager -r requirements.txt
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	@touch $(STAMP)
	$(MAKE) notebooks test

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis
