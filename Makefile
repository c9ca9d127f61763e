# The two commands the README promises: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
DATA_DIR ?= ./data

.PHONY: run test lint bench openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the dependency list or the pins change.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	@echo "setup: installing uv (the installer) into $(VENV) from PyPI"
	$(BIN)/python -m pip install --progress-bar on --disable-pip-version-check uv
	@echo "setup: installing officina and its pinned dependencies (constraints.txt) into $(VENV)"
	$(BIN)/uv pip install --python $(BIN)/python -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# A development default: the usual local frontend dev servers (Vite, create-react-app/Next)
# may call the API from the browser. Deployments set OFFICINA_CORS_ORIGINS themselves.
OFFICINA_CORS_ORIGINS ?= ["http://localhost:5173","http://127.0.0.1:5173","http://localhost:3000","http://127.0.0.1:3000"]

run: $(STAMP)
	OFFICINA_CORS_ORIGINS='$(OFFICINA_CORS_ORIGINS)' $(BIN)/officina up --port $(PORT) --data-dir $(DATA_DIR) $(ARGS)

# Runs every test on SQLite, then on PostgreSQL when OFFICINA_TEST_POSTGRES_URL is set
# (.ci/run sets it and insists that PostgreSQL answers).
# The docs page is tested in a real headless Chromium (Debian's packages; needs root to install).
BROWSER_STAMP := $(VENV)/.browser
$(BROWSER_STAMP): | $(BIN)/python
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium is not installed and cannot be installed here: the docs-page test will be skipped"; fi; \
	fi
	touch $(BROWSER_STAMP)

# The AsyncAPI document is validated by the reference parser (@asyncapi/parser from npm,
# pinned in tools/asyncapi/package-lock.json); Debian's nodejs and npm are installed if missing.
ASYNCAPI_STAMP := tools/asyncapi/node_modules/.installed
$(ASYNCAPI_STAMP): tools/asyncapi/package.json tools/asyncapi/package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tools/asyncapi --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm is not installed and cannot be installed here: the AsyncAPI validation test will be skipped"; fi

# The spec linter and the client generators the suite runs on the merged OpenAPI document
# (tools/clients: npm packages and a venv of its own for openapi-python-client, exact versions).
CLIENT_TOOLS := tools/clients/.installed
$(CLIENT_TOOLS): tools/clients/package.json tools/clients/python-constraints.txt $(ASYNCAPI_STAMP) | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
	  echo "installing the client tools (npm: redocly, openapi-typescript, typescript; PyPI: openapi-python-client, schemathesis)"; \
	  npm install --prefix tools/clients --no-audit --no-fund --loglevel=error; \
	else echo "npm is not installed: the generated-client tests will be skipped"; fi
	$(BIN)/uv venv -q --allow-existing --python $(BIN)/python tools/clients/.venv
	$(BIN)/uv pip install -q --python tools/clients/.venv/bin/python -c tools/clients/python-constraints.txt openapi-python-client schemathesis
	touch $(CLIENT_TOOLS)

# Two pytest-xdist workers: every end-to-end test stays on one of them (docs/testing.md).
PYTEST_WORKERS ?= 2

test: $(STAMP) $(BROWSER_STAMP) $(ASYNCAPI_STAMP) $(CLIENT_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared gateway officina services bench
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@if [ -n "$$OFFICINA_TEST_POSTGRES_URL" ]; then \
	  OFFICINA_TEST_DB=postgresql $(BIN)/pytest -n $(PYTEST_WORKERS) -m "db or e2e" $(PYTEST_ARGS); fi

openapi: $(STAMP)
	$(BIN)/officina openapi --output openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench.startup

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tools/asyncapi/node_modules tools/clients/node_modules tools/clients/.venv tools/clients/.installed
