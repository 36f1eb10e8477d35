# Lodestone: the two commands a newcomer types, and a few more for developers.
#   make run   installs what is missing, builds release, serves the bundled replay at http://127.0.0.1:8080
#   make test  installs what is missing, builds the dev preset (ASan+UBSan), runs every test
#   make check the fast tiers only; make test-clock, make test-repeat: see tests/run.sh
SHELL := /bin/bash
.DEFAULT_GOAL := run
LODESTONE := build/release/daemon/lodestone
RUN_ARGS ?=

.PHONY: setup run build build-dev test check test-clock test-repeat bench soak format tidy clean

setup:
	@bash deploy/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release

build-dev: setup
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev

run: build
	$(LODESTONE) serve --config deploy/lodestone.yaml $(RUN_ARGS)

test: build-dev
	@bash tests/run.sh all

# The unit and in-process socket tiers: under two minutes after a build (no daemon, browser, fuzz or soak).
check: build-dev
	@bash tests/run.sh check

# The daemon-level tests under libfaketime at fixed Asia/Shanghai instants (tests/clock/README.md).
test-clock: build-dev
	@bash tests/run.sh clock

# The daemon, fault and load tiers five times each (ctest --repeat until-fail:5).
test-repeat: build-dev
	@bash tests/run.sh repeat

# make bench [BENCH_ARGS=--quick]: bench/run.sh; results in bench/RESULTS.md and build/release/bench-results/
bench: build
	@bash bench/run.sh $(BENCH_ARGS)

# make soak [SOAK_ARGS="--minutes 5"]: 30 minutes of churning clients; RSS, fds and threads must stay flat
soak: build
	@bash bench/soak.sh $(SOAK_ARGS)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

# clang-tidy over daemon/, feeds/, rules/ and web/, skipping units unchanged since a clean run (make test runs it too)
tidy: build-dev
	@bash tests/run.sh tidy

clean:
	rm -rf build
