# Thin wrapper around Meson. `make demo` and `make check` each do the whole
# set-up on a fresh Debian 12 machine (packages, build), then their job.
BUILD       ?= build
CHECK_BUILD ?= build-check
MESON_OPTS  ?=
PREFIX      ?= /usr/local
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 300

.PHONY: all deps build check demo bench install fuzz format format-check clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Tests run in their own build with AddressSanitizer and UBSan.
$(CHECK_BUILD)/build.ninja:
	meson setup $(CHECK_BUILD) -Dbuildtype=debug -Db_sanitize=address,undefined \
		-Dc_args=-fno-sanitize-recover=all $(if $(CI),-Dwerror=true) $(MESON_OPTS)

check: deps $(CHECK_BUILD)/build.ninja
	ninja -C $(CHECK_BUILD)
	scripts/run-tests.sh $(CHECK_BUILD)

demo: build
	./$(BUILD)/tcpscope lab tour

bench: build
	bench/run.sh $(BUILD)
	bench/census-iter.sh $(BUILD)
	bench/trace-overhead.sh $(BUILD)
	bench/trace-floor.sh $(BUILD)
	bench/capture.sh $(BUILD)
	bench/flows.sh $(BUILD)

# libFuzzer targets built with clang in $(FUZZ_BUILD), FUZZ_SECONDS each.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: build
	meson install -C $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(CHECK_BUILD)
