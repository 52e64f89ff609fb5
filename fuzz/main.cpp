// One libFuzzer binary per target: CMake compiles this file once for each,
// with ARCHIVE_LINT_FUZZ_TARGET naming the function from targets.hpp.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return al::fuzz::ARCHIVE_LINT_FUZZ_TARGET(data, size);
}
