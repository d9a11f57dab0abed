# Relais — build, run and test. `make run` and `make test` install what they
# need on Debian/Ubuntu (see scripts/deps.sh).

SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
GO ?= go
# Packages Fyne's cgo build needs (measured: xorg-dev is not required).
FYNE_DEPS := gcc pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxxf86vm-dev \
	libxi-dev libxcursor-dev libxinerama-dev libxkbcommon-dev
# What the app needs at run time besides: poppler's pdftoppm draws the pages
# of the in-app PDF preview.
RUN_DEPS := $(FYNE_DEPS) poppler-utils
# What the tests need besides: real servers (Radicale for CalDAV, PostgreSQL
# for the hub), poppler for checking PDFs, Xvfb + ImageMagick for screenshots.
TEST_DEPS := $(FYNE_DEPS) radicale postgresql poppler-utils xvfb imagemagick xdotool ca-certificates
DB ?=
RUN_ARGS := $(if $(DB),--db $(DB),)
PKGS := ./...

.PHONY: run build test bench lint deps-run deps-test screenshots fuzz clean

run: deps-run build
	./relais $(RUN_ARGS)

build:
	$(GO) build -o relais .

deps-run:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/ (or /usr/local/go/bin on PATH)"; exit 1; }
	@scripts/deps.sh $(RUN_DEPS)

deps-test: deps-run
	@scripts/deps.sh $(TEST_DEPS)

test: deps-test
	@echo "== gofmt"; out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "not formatted:"; echo "$$out"; exit 1; }
	@echo "== layering (only ui imports Fyne)"; n=$$($(GO) list -deps ./model/... ./sync/... ./export/... ./importer/... ./leads/... ./report/... 2>/dev/null | grep -c '^fyne.io' || true); [ "$$n" = 0 ] || { echo "Fyne imported below ui: $$n packages"; exit 1; }
	@echo "== go vet"; $(GO) vet $(PKGS)
	@echo "== go test"; $(GO) test -count=1 -timeout 30m $(PKGS)
	@echo "== go test -race (sync)"; $(GO) test -race -count=1 -timeout 20m ./sync/...

lint:
	@command -v staticcheck >/dev/null || $(GO) install honnef.co/go/tools/cmd/staticcheck@latest
	staticcheck $(PKGS)

bench: deps-test
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

clean:
	rm -f relais
