# neighsync: build, test, demo, bench. Every target installs what it needs on a fresh Debian machine with Swift.
SWIFT       ?= swift
export PATH := /opt/swift/usr/bin:$(PATH)
APT_PKGS    := libyaml-dev libmnl-dev iproute2
PREFIX      ?= /usr/local
BIN_DEBUG    = .build/debug/neighsync
BIN_RELEASE  = .build/release/neighsync

.PHONY: all deps build release test demo bench install clean

all: build

# Install the Debian packages that are missing (only as root; otherwise say what to install).
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y $$missing; \
	  else echo "missing Debian packages:$$missing (run: sudo apt-get install -y$$missing)"; exit 1; fi; \
	fi
	@python3 -c 'import jsonschema, yaml' 2>/dev/null || pip install --quiet jsonschema pyyaml || \
	  echo "note: python3 jsonschema/pyyaml not installed; the schema tests need them"

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# All tests. Kernel tests need root (they make their own network namespaces); under CI=true a skip is a failure.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Plan, apply, plan again on the bundled example in a throwaway network namespace.
demo: build
	bash .ci/demo.sh $(BIN_DEBUG) examples/split

bench: release
	bash .ci/bench.sh $(BIN_RELEASE)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN_RELEASE) $(DESTDIR)$(PREFIX)/bin/neighsync

clean:
	rm -rf .build
