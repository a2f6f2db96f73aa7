# provscan developer targets. `make test` is what CI runs.
GO       ?= go
PKGS     := ./...
FUZZTIME ?= 3m
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
# disable_grpc_modules leaves out Google Cloud Storage's gRPC DirectPath
# (xDS, Envoy protos), which gs:// through gocloud's HTTP client never uses:
# 8 MiB less resident at start (bench/results.md).
TAGS     ?= disable_grpc_modules

.PHONY: all build test test-race lint fuzz bench torture testdata scan clean

all: build test

build:
	$(GO) build -tags "$(TAGS)" -ldflags "$(LDFLAGS)" -o bin/provscan ./cmd/provscan

test:
	$(GO) test $(PKGS)

# The concurrent parts under the race detector (output must not depend on it).
test-race:
	$(GO) test -race ./scanner/... ./cmd/...

lint:
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)
	$(GO) mod tidy -diff

# Regenerate the sample deliverables tree (commit the result).
testdata:
	$(GO) run ./testdata/gen -o testdata/deliverables

# Scan the sample deliverables (exit code 1: they hold GenAI findings on purpose).
scan:
	$(GO) run ./cmd/provscan scan testdata/deliverables

# Run every fuzz target for FUZZTIME each, one at a time.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -timeout 0 -parallel 1 $$pkg; \
	  done; \
	done

# Go micro-benchmarks and the whole-tree benchmark against the floor and exiftool, warm and cold
# page cache, and peak memory on 100,000 files (writes bench/results.md).
bench:
	MICRO=1 REPEAT=5 BIG_FILES=100000 bash bench/run.sh

# Mutate every sample and corpus file TORTURE times and inspect each mutant (no panic, hang or balloon).
TORTURE ?= 500
torture:
	$(GO) test -run '^TestTorture' -timeout 90m -v ./provenance -torture $(TORTURE)

clean:
	rm -rf bin
