# LiteTTS — the two commands: `make run` and `make test`. Plain `make` builds build/litetts.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
SHARED ?= $(abspath ../shared)
MODEL ?= models/kokoro-v1_0.pth
VOICES ?= models/voices
VOICE ?= af_heart
FUZZ_SECONDS ?= 10
PORT ?= 8880

DEBIAN_PACKAGES := build-essential cmake pkg-config clang libclang-rt-14-dev \
	libopenblas-dev libzip-dev libjansson-dev libcurl4-openssl-dev libcmocka-dev libespeak-ng-dev libmicrohttpd-dev libavcodec-dev libavformat-dev libswresample-dev libavutil-dev libsqlite3-dev libhiredis-dev redis-server

.PHONY: all build test test-unit test-asan test-fuzz run demo deps clean bench parity-full

all: build

build/CMakeCache.txt:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLT_SHARED=$(SHARED)

build: build/CMakeCache.txt
	cmake --build build -j$(JOBS)

# Everything CI runs: unit + parity tests, the sanitizer build of the suite, fuzz smoke runs.
test: test-unit test-asan test-fuzz

test-unit: build
	cd build && ctest --output-on-failure -j$(JOBS) -LE known_gap

test-asan:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLT_SANITIZE=ON -DLT_SHARED=$(SHARED) \
		-DCMAKE_C_FLAGS_DEBUG="-O1 -g"
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j$(JOBS) -LE slow

test-fuzz:
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DLT_FUZZ=ON -DLT_SHARED=$(SHARED) \
		-DCMAKE_C_FLAGS_DEBUG="-O1 -g"
	cmake --build build-fuzz -j$(JOBS)
	@set -e -o pipefail; for f in build-fuzz/fuzz_*; do \
		name=$$(basename $$f); corpus=tests/fuzz/corpus/$${name#fuzz_}; \
		mkdir -p build-fuzz/corpus-$$name; \
		echo "== $$name ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=build-fuzz/ \
			build-fuzz/corpus-$$name $$( [ -d $$corpus ] && echo $$corpus ) 2>&1 | tail -3; \
	done

deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $$missing; \
	fi

# Start the server (Open WebUI & co. point at http://127.0.0.1:8880/v1); fetch the weights first if needed.
run: deps build
	@if [ ! -f "$(MODEL)" ]; then \
		./build/litetts download --dir models --retries 1 || { \
		  echo; echo "Could not download the weights (offline?). Get kokoro-v1_0.pth, config.json and voices/*.pt"; \
		  echo "from the Hugging Face repository hexgrad/Kokoro-82M (or run litetts download elsewhere), then run:"; \
		  echo "  make run MODEL=/path/to/kokoro-v1_0.pth VOICES=/path/to/voices"; exit 1; }; \
	fi
	./build/litetts serve --model $(MODEL) --voices $(VOICES) --port $(PORT)

# The old demo: one WAV, no server.
demo: build
	./build/litetts say --model $(MODEL) --voices $(VOICES) --voice $(VOICE) \
		--text "Hello, this is LiteTTS." -o hello.wav
	@echo "wrote hello.wav"

bench: build
	./build/litetts bench --model $(MODEL) --voice $(VOICES)/$(VOICE).pt

clean:
	rm -rf build build-asan build-fuzz

# Full-size parity only (all four stages on both full-size cases, and the reduced types' quality bar;
# `make test` runs them too).
parity-full: build
	cd build && ctest --output-on-failure -R 'recipe_model|parity_full|quality_full'
