.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never

.PHONY: help
help: ## Show this help (colour only on a terminal)
	@if [ -t 1 ]; then c='\033[36m'; r='\033[0m'; else c=''; r=''; fi; \
	grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	awk -v c="$$c" -v r="$$r" 'BEGIN {FS = ":.*?## "}; {printf "  %s%-8s%s %s\n", c, $$1, r, $$2}'

.PHONY: install
install: ## Create .venv with every package (builds the Rust wheels)
	uv sync --locked

.PHONY: lint
lint: ## cargo fmt --check, clippy -D warnings, ruff, ruff format --check, mypy --strict, stubtest
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	uv run --locked ruff check .
	uv run --locked ruff format --check .
	uv run --locked mypy
	uv run --locked python -m mypy.stubtest --allowlist stubtest-allowlist.txt \
		sky_rs_io._core sky_rs_string._core sky_rs_system._core sky_rs_process._core

CARGO_TEST_ARGS ?= --workspace
PYTEST_ARGS ?=

.PHONY: test
test: ## The fast inner loop: cargo test and pytest (no lints, no install proof)
	cargo test $(CARGO_TEST_ARGS) --locked
	uv run --locked python scripts/skypilot_fingerprints.py --download
	uv run --locked pytest $(PYTEST_ARGS)

.PHONY: all
all: ## Everything CI runs: bash scripts/test.sh (its time: README, "The two commands")
	bash scripts/test.sh

.PHONY: bench
bench: ## Run the benchmark of every function on both backends
	uv run sky-rs bench

.PHONY: doctor
doctor: ## Show each domain's backend and self-check it
	uv run sky-rs doctor

.PHONY: format
format: ## Format Rust and Python code
	cargo fmt --all
	uv run ruff format .
	uv run ruff check --fix .
