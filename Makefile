# The two commands a newcomer needs: `make run` and `make test`.
BUILD ?= build
CONFIG_ARGS ?=
RUN_ARGS ?=
BENCH_ARGS ?=

.PHONY: all deps configure build run test test-sanitize fuzz bench lambda clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja $(CONFIG_ARGS)

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD)

run: build
	scripts/run-local.sh $(BUILD) $(RUN_ARGS)

test: build
	scripts/test-postgres.sh
	ctest --test-dir $(BUILD) --output-on-failure -j2

test-sanitize:
	$(MAKE) test BUILD=build-asan CONFIG_ARGS="-DRELAY_SANITIZE=ON -DRELAY_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug"

# libFuzzer targets under ASan + UBSan (clang-15); scripts/fuzz-smoke.sh runs them.
FUZZ_BUILD ?= build-fuzz
$(FUZZ_BUILD)/build.ninja: | deps
	CC=clang-15 CXX=clang++-15 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DRELAY_FUZZ=ON -DRELAY_BENCH=OFF -DRELAY_TESTS=OFF

fuzz: $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) --target relay_fuzzers

# build/lambda/relay-lambda.zip: relay as an AWS Lambda function (provided.al2023, x86_64),
# with LAMBDA_CONFIG as its relay.yaml.
LAMBDA_CONFIG ?= deploy/lambda/relay.yaml
lambda: configure
	cmake -S . -B $(BUILD) -DRELAY_LAMBDA_CONFIG=$(abspath $(LAMBDA_CONFIG)) >/dev/null
	cmake --build $(BUILD) --target relay_lambda_zip

bench: build
	$(BUILD)/bench/relay_bench_pipeline $(BENCH_ARGS)

clean:
	rm -rf build build-asan build-fuzz
