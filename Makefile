# Two commands do everything, from a fresh clone:
#   make app    set up .venv and open the designer on the sample data
#   make test   set up .venv (and Chromium, PostgreSQL and Java for the browser and SQL tests) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
JAVA := /usr/bin/java
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: app test lint setup browser postgres

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[app,sql,spark,calibrate,dev]"
	touch $(STAMP)

# The browser test drives Debian's Chromium through Playwright (Playwright's own
# browser download is not used).
browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# The SQL export is proven on a real PostgreSQL (the tests start a throw-away server with
# Debian's initdb/pg_ctl) and a local Spark, which needs a Java runtime (17 or later).
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; }

$(JAVA):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless

# make app LEADS=big/leads.parquet ACTIVITIES=big/activities.parquet opens large files by path
# (a browser upload is capped at 200 MB); without them the app opens the sample data.
LEADS ?=
ACTIVITIES ?=

app: $(STAMP)
	$(BIN)/leadgrid app $(if $(LEADS),--leads "$(LEADS)") $(if $(ACTIVITIES),--activities "$(ACTIVITIES)")

test: $(STAMP) $(CHROMIUM) $(JAVA) postgres
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
