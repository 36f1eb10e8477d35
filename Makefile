# Lodestone: the two commands a newcomer types, and a few more for developers.
#   make run   installs what is missing, builds release, serves the bundled replay at http://127.0.0.1:8080
#   make test  installs what is missing, builds the dev preset (ASan+UBSan), runs every test
SHELL := /bin/bash
.DEFAULT_GOAL := run
LODESTONE := build/release/daemon/lodestone
RUN_ARGS ?=

.PHONY: setup run build build-dev test bench soak format tidy clean

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
	@ctest --preset dev
	@# ThreadSanitizer: only the daemon and the threaded tests (tests/integration, the live feeds, ingest)
	@# in build/tsan, suppressions in tests/tsan.supp. Reports (the daemon's too) go to
	@# build/tsan/tsan-reports: any file there fails the run, even if the test around it passed.
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan
	@rm -rf build/tsan/tsan-reports && mkdir -p build/tsan/tsan-reports
	@ctest --preset tsan || { cat build/tsan/tsan-reports/* 2>/dev/null; exit 1; }
	@if ls build/tsan/tsan-reports/report.* >/dev/null 2>&1; then \
	  cat build/tsan/tsan-reports/report.*; echo "ThreadSanitizer reported races (above)"; exit 1; fi

# make bench [BENCH_ARGS=--quick]: bench/run.sh; results in bench/RESULTS.md and build/release/bench-results/
bench: build
	@bash bench/run.sh $(BENCH_ARGS)

# make soak [SOAK_ARGS="--minutes 5"]: 30 minutes of churning clients; RSS, fds and threads must stay flat
soak: build
	@bash bench/soak.sh $(SOAK_ARGS)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: build-dev
	@git ls-files 'daemon/*.cpp' 'feeds/*.cpp' 'rules/*.cpp' 'web/*.cpp' | xargs clang-tidy -p build/dev --quiet

clean:
	rm -rf build
