# pidtriage: `make demo`, `make test`, `make bench`, `make lint`. Each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-slurm bench validate grch37 lint igvjs clean

$(BIN)/pidtriage: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# SLURM_CONF=/dev/null: the SLURM plugin's start-up query fails at once, without contacting a controller
demo: $(BIN)/pidtriage
	SLURM_CONF=/dev/null $(BIN)/snakemake -s workflow/Snakefile --cores 2
	@echo; echo "Cohort summary: results/cohort/summary.tsv"; cat results/cohort/summary.tsv

test: $(BIN)/pidtriage
	$(BIN)/pytest -q

# The demo cohort on a running SLURM cluster (.ci/run starts one with tests/slurm/slurm_local.sh).
test-slurm: $(BIN)/pidtriage
	PIDTRIAGE_SLURM_TEST=1 $(BIN)/pytest -q tests/slurm

bench: $(BIN)/pidtriage
	$(BIN)/python tests/benchmarks/run_benchmarks.py

# Real ClinVar variants spiked into real backgrounds, scored: writes tests/benchmarks/VALIDATION.md (~5 min);
# then published patients (phenopacket-store, genes A-L) as referrals: its real-referral section (~10 min). The store
# is read from $PIDTRIAGE_PHENOPACKET_STORE or ~/.cache/pidtriage-validation/phenopacket-store (a git clone).
validate: $(BIN)/pidtriage
	$(BIN)/python tests/benchmarks/validation.py
	$(BIN)/python tests/benchmarks/phenotype_ranking.py
	$(BIN)/python tests/benchmarks/real_referrals.py

# The three real GRCh37 datasets with GRCh37 resources from `pidtriage resources fetch` (local server): writes
# tests/benchmarks/GRCH37.md (~30 s)
grch37: $(BIN)/pidtriage
	SLURM_CONF=/dev/null $(BIN)/python tests/benchmarks/grch37.py

# igv.js (MIT) for the IGV-session screenshot test (tests/report/test_igv.py), from the npm registry into
# tests/.cache (1.5 MB: not committed); the test skips without it
IGVJS_VERSION := 3.8.10
IGVJS := tests/.cache/igv.js-$(IGVJS_VERSION)
igvjs: $(IGVJS)/igv.min.js
$(IGVJS)/igv.min.js:
	mkdir -p $(IGVJS)
	cd $(IGVJS) && npm pack --silent igv@$(IGVJS_VERSION) >/dev/null && tar xzf igv-$(IGVJS_VERSION).tgz package/dist/igv.min.js package/LICENSE \
	  && mv package/dist/igv.min.js package/LICENSE . && rm -rf package igv-$(IGVJS_VERSION).tgz

lint: $(BIN)/pidtriage
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/snakefmt --check workflow/
	$(BIN)/snakemake -s workflow/Snakefile --lint

clean:
	rm -rf results .snakemake
