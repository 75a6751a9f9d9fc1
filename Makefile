# Every target visits each module listed in go.work, so a module added there
# is tested without touching this file.

GO       ?= go
MODULES  := $(shell $(GO) list -m -f '{{.Dir}}' 2>/dev/null)
FUZZTIME ?= 10s
BENCHCOUNT ?= 1
TOOLS    := $(CURDIR)/tools
# The version release-dry-run plans: the Version of core/version.go (or, until
# core has one, tools/version.go) without its -dev suffix. Override with
# make release-dry-run RELEASE_VERSION=v0.2.0.
RELEASE_VERSION ?= $(shell sed -n 's/^const Version = "\([0-9][0-9.]*\)-dev"$$/v\1/p' core/version.go tools/version.go 2>/dev/null | head -n 1)

# tool prints the path of a tool pinned in tools/go.mod, built with exactly
# the versions pinned there (GOWORK=off) and cached by the go command; use it
# in a recipe as "$(call tool,golangci-lint)".
tool = $$(cd $(TOOLS) && GOWORK=off $(GO) tool -n $(1))

.PHONY: test deps-check vet race test-gowork-off fuzz bench lint vuln actionlint tidy-check release-dry-run gorelease modules help

## test: vet and test every module with the race detector (the README's test command)
test: vet deps-check race test-gowork-off

## deps-check: fail if core's module graph holds a web framework or an MCP SDK, or an adapter's holds another framework, another major of its own (fiber v2 and v3, echo v4 and v5 apart) or the other MCP SDK
FRAMEWORKS := github.com/gin-gonic/gin github.com/labstack/echo github.com/gofiber/fiber github.com/go-chi/chi
MCPSDKS    := github.com/modelcontextprotocol/go-sdk github.com/mark3labs/mcp-go
deps-check:
	@set -e; check() { dir=$$1; shift; graph=$$(cd $$dir && GOWORK=off $(GO) mod graph); \
		for f in "$$@"; do if printf '%s\n' "$$graph" | grep -q " $$f"; then echo "$$dir depends on $$f"; exit 1; fi; done; echo "== deps $$dir: ok"; }; \
	check core $(FRAMEWORKS) $(MCPSDKS); \
	check adapters/gin $(filter-out github.com/gin-gonic/gin,$(FRAMEWORKS)); \
	check adapters/echo $(filter-out github.com/labstack/echo,$(FRAMEWORKS)) github.com/labstack/echo/v5; \
	check adapters/fiber $(filter-out github.com/gofiber/fiber,$(FRAMEWORKS)) github.com/gofiber/fiber/v3; \
	check adapters/chi $(filter-out github.com/go-chi/chi,$(FRAMEWORKS)); \
	check adapters/fiberv3 $(filter-out github.com/gofiber/fiber,$(FRAMEWORKS)) github.com/gofiber/fiber/v2 $(MCPSDKS); \
	check adapters/echov5 $(filter-out github.com/labstack/echo,$(FRAMEWORKS)) github.com/labstack/echo/v4 $(MCPSDKS); \
	check adapters/gosdk $(FRAMEWORKS) github.com/mark3labs/mcp-go; \
	check adapters/mcpgo $(FRAMEWORKS) github.com/modelcontextprotocol/go-sdk

modules:
	@printf '%s\n' $(MODULES)

vet:
	@set -e; for m in $(MODULES); do echo "== vet $$m"; (cd $$m && $(GO) vet ./...); done

race:
	@set -e; for m in $(MODULES); do echo "== test -race $$m"; (cd $$m && $(GO) test -race -count=1 ./...); done

## test-gowork-off: build and test each module on its own, as a user's build sees it
test-gowork-off:
	@set -e; for m in $(MODULES); do echo "== GOWORK=off test $$m"; (cd $$m && GOWORK=off $(GO) test -count=1 ./...); done

## fuzz: run every fuzz target of core's packages for FUZZTIME each
fuzz:
	@set -e; cd core && for p in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz' || true); do \
			echo "== fuzz $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$p ; done; done

## bench: run the benchmarks of every module BENCHCOUNT times (benchstat wants 8 or more)
bench:
	@set -e; for m in $(MODULES); do echo "== bench $$m"; (cd $$m && $(GO) test -run '^$$' -bench . -benchmem -count=$(BENCHCOUNT) ./...); done

## lint: run golangci-lint (pinned in tools/go.mod, config .golangci.yml) on every module; reports them all, fails if any has findings
lint:
	@lint="$(call tool,golangci-lint)" || exit 1; status=0; for m in $(MODULES); do echo "== golangci-lint $$m"; (cd $$m && $$lint run --allow-serial-runners ./...) || status=1; done; exit $$status

## vuln: run govulncheck (pinned in tools/go.mod) on every module; needs vuln.go.dev
vuln:
	@vuln="$(call tool,govulncheck)" || exit 1; status=0; for m in $(MODULES); do echo "== govulncheck $$m"; (cd $$m && $$vuln ./...) || status=1; done; exit $$status

## actionlint: check the GitHub workflows (actionlint pinned in tools/go.mod; uses shellcheck when installed)
actionlint:
	@actionlint="$(call tool,actionlint)" && $$actionlint

## tidy-check: fail if a module's go.mod or go.sum is not tidy (as a user's GOWORK=off build sees it)
tidy-check:
	@status=0; for m in $(MODULES); do echo "== go mod tidy -diff $$m"; (cd $$m && GOWORK=off $(GO) mod tidy -diff) || status=1; done; exit $$status

## release-dry-run: print the go.mod edits, commits and tags a release of RELEASE_VERSION would make; changes nothing
release-dry-run:
	$(GO) run ./tools/cmd/release -version "$(RELEASE_VERSION)" -dry-run

## gorelease: check the API changes of core and the adapters against their last release (needs a clean tree and the published modules)
gorelease:
	@gorelease="$(call tool,gorelease)" || exit 1; status=0; for m in $(filter $(CURDIR)/core $(CURDIR)/adapters/%,$(MODULES)); do echo "== gorelease $$m"; (cd $$m && GOWORK=off $$gorelease -version=$(RELEASE_VERSION)) || status=1; done; exit $$status

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
