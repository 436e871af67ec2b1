# The two commands a newcomer needs: `make run` and `make test`.
BUILD ?= build
CONFIG_ARGS ?=
RUN_ARGS ?=

.PHONY: all deps configure build run test test-sanitize bench clean

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
	ctest --test-dir $(BUILD) --output-on-failure -j2

test-sanitize:
	$(MAKE) test BUILD=build-asan CONFIG_ARGS="-DRELAY_SANITIZE=ON -DRELAY_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug"

bench: build
	$(BUILD)/bench/relay_bench_pipeline

clean:
	rm -rf build build-asan
