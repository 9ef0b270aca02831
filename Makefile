# The two commands of the course: `make lab` and `make test`. Both create .venv if it is
# missing and install requirements.txt into it, pinned to the exact tested versions of
# constraints.txt (strict nbval compares outputs made with them); nothing needs installing
# by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: setup lab test notebooks slides site slide-metadata bench upgrade clean

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); } || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install it with: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

# JupyterLab refuses to run as root unless told to (containers, Colab-like machines).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup  ## open the course in JupyterLab
	$(BIN)/jupyter lab $(AS_ROOT) notebooks/

test: setup  ## lint, unit tests, and every notebook under nbval (strict)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -rs tests
	$(BIN)/python -m pytest $(NBVAL) notebooks

notebooks: setup  ## re-run every notebook top to bottom and store its outputs
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb
	$(BIN)/python -m inception_edu.course.slides notebooks/*.ipynb  # slide breaks fit the new outputs

slides: setup  ## lecture decks of every notebook, offline reveal.js: open build/slides/index.html
	$(BIN)/python scripts/build_slides.py --out build/slides notebooks/*.ipynb

site: setup  ## the course website from the notebooks' stored outputs: build/site/index.html
	$(BIN)/python scripts/build_site.py --out build/site

slide-metadata: setup  ## re-apply the Colab/Binder cells and the RISE slide metadata to every notebook
	$(BIN)/python scripts/add_launch_cells.py notebooks/*.ipynb
	$(BIN)/python -m inception_edu.course.slides notebooks/*.ipynb

bench: setup  ## measured speed ratios (not part of CI)
	$(BIN)/python benchmarks/analysis_speed.py
	$(BIN)/python benchmarks/widget_speed.py

upgrade: setup  ## newest versions requirements.txt allows -> constraints.txt, then notebooks and tests
	$(BIN)/python -m pip install --quiet --upgrade --upgrade-strategy eager -r requirements.txt
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	@touch $(STAMP)
	$(MAKE) notebooks test

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis
