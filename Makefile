# Two entry points (see README): `make run` and `make test`. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= var/index
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test index lint clean load demo

$(BIN)/sifter: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# `sifter index` exits 1 when some files were rejected (it lists them); serve anyway.
run: $(BIN)/sifter
	$(BIN)/sifter index corpus --index $(INDEX) || [ $$? -eq 1 ]
	$(BIN)/sifter serve --index $(INDEX) --host $(HOST) --port $(PORT)

index: $(BIN)/sifter
	$(BIN)/sifter index corpus --index $(INDEX) || [ $$? -eq 1 ]

# ~460 Debian manual pages in 8 languages next to corpus/, fetched with apt-get download
# into var/demo (web/demo.py), indexed and served; see the README for how long it takes.
demo: $(BIN)/sifter
	$(BIN)/python -m web.demo serve --host $(HOST) --port $(PORT)

test: $(BIN)/sifter
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# The load test (bench/load.py), kept out of `make test`: a few minutes, most of it indexing.
load: $(BIN)/sifter
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var
