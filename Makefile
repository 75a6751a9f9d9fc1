# Every target visits each module listed in go.work, so a module added there
# is tested without touching this file.

GO       ?= go
MODULES  := $(shell $(GO) list -m -f '{{.Dir}}' 2>/dev/null)
FUZZTIME ?= 10s

.PHONY: test vet race test-gowork-off fuzz bench lint tidy-check modules

## test: vet and test every module with the race detector (the README's test command)
test: vet race test-gowork-off

modules:
	@printf '%s\n' $(MODULES)

vet:
	@set -e; for m in $(MODULES); do echo "== vet $$m"; (cd $$m && $(GO) vet ./...); done

race:
	@set -e; for m in $(MODULES); do echo "== test -race $$m"; (cd $$m && $(GO) test -race -count=1 ./...); done

## test-gowork-off: build and test each module on its own, as a user's build sees it
test-gowork-off:
	@set -e; for m in $(MODULES); do echo "== GOWORK=off test $$m"; (cd $$m && GOWORK=off $(GO) test -count=1 ./...); done

## fuzz: run every fuzz target of core for FUZZTIME each
fuzz:
	@set -e; cd core && for f in $$($(GO) test -list '^Fuzz' . | grep '^Fuzz'); do \
		echo "== fuzz $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) . ; done

## bench: run the benchmarks of every module
bench:
	@set -e; for m in $(MODULES); do echo "== bench $$m"; (cd $$m && $(GO) test -run '^$$' -bench . -benchmem ./...); done
