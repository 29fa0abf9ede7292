# pidtriage: `make demo`, `make test`, `make bench`, `make lint`. Each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-slurm bench validate lint clean

$(BIN)/pidtriage: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/pidtriage
	$(BIN)/snakemake -s workflow/Snakefile --cores 2
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

lint: $(BIN)/pidtriage
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/snakefmt --check workflow/
	$(BIN)/snakemake -s workflow/Snakefile --lint

clean:
	rm -rf results .snakemake
