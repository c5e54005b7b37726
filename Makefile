.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: ## Create .venv with every package (builds the Rust wheels)
	uv sync --locked

.PHONY: test
test: ## Run the whole test suite (same as CI: bash scripts/test.sh)
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
