// Replays the fuzz targets' seed corpora (fuzz/corpus/<target>/) and every
// saved crash (tests/fuzz-regressions/<target>/) through the targets' own
// bodies (fuzz/targets.cpp), so they run in every build, without libFuzzer.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support.hpp"
#include "targets.hpp"

using namespace al::test;

namespace {

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void replay(const al::fuzz::Target& target, const fs::path& file) {
  const std::string bytes = slurp(file);
  INFO(target.name << " on " << file.lexically_relative(source_dir()).generic_string());
  int status = -1;
  REQUIRE_NOTHROW(status = target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  CHECK(status == 0);
}

}  // namespace

TEST_CASE("fuzz: every seed input passes its target", "[fuzz]") {
  for (const auto& target : al::fuzz::targets()) {
    const auto seeds = files_under(source_dir() / "fuzz" / "corpus" / std::string(target.name));
    INFO(target.name);
    CHECK(seeds.size() >= 3);
    for (const auto& file : seeds) replay(target, file);
  }
}

TEST_CASE("fuzz: every saved crash input now passes its target", "[fuzz][regression]") {
  const fs::path root = source_dir() / "tests" / "fuzz-regressions";
  for (const auto& target : al::fuzz::targets()) {
    for (const auto& file : files_under(root / std::string(target.name))) replay(target, file);
  }
  // A directory that names no target would be skipped silently.
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    INFO("tests/fuzz-regressions/" << name);
    CHECK(std::any_of(al::fuzz::targets().begin(), al::fuzz::targets().end(),
                      [&](const auto& t) { return t.name == name; }));
  }
}
