// --version, SARIF and JSON carry the release and, built from a git checkout,
// `git describe` (cmake/version.cmake, run at every build).
#include <catch2/catch.hpp>

#include "archive_lint/version.hpp"
#include "support.hpp"

using namespace al::test;

namespace {

// Runs cmake/version.cmake on `source` and returns the kVersion it generates.
std::string generated_version(const fs::path& source, const fs::path& out_dir) {
  const fs::path out = out_dir / "version.cpp";
  const auto r = run("cmake -DSOURCE_DIR=" + sh_quote(source.string()) + " -DRELEASE=1.2.3 -DOUTPUT=" +
                         sh_quote(out.string()) + " -P " + sh_quote((source_dir() / "cmake/version.cmake").string()),
                     out_dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string text = slurp(out);
  const auto open = text.find("kVersion = \"");
  REQUIRE(open != std::string::npos);
  const auto start = open + 12;
  return text.substr(start, text.find('"', start) - start);
}

}  // namespace

TEST_CASE("version: the release alone without .git, with git describe in a checkout", "[version]") {
  TempDir tarball;  // an unpacked source tarball: no .git
  spit(tarball / "CMakeLists.txt", "project(x)\n");
  CHECK(generated_version(tarball.path(), tarball.path()) == "1.2.3");

  TempDir checkout;
  spit(checkout / "CMakeLists.txt", "project(x)\n");
  const auto git = [&](const std::string& args) {
    const auto r = run("git -c user.name=t -c user.email=t@example.org " + args, checkout.path());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  git("init -q");
  git("add CMakeLists.txt");
  git("commit -q -m one");
  git("tag v1.2.3");
  TempDir out;
  CHECK(generated_version(checkout.path(), out.path()) == "1.2.3 (v1.2.3)");
  spit(checkout / "CMakeLists.txt", "project(y)\n");
  CHECK(generated_version(checkout.path(), out.path()) == "1.2.3 (v1.2.3-dirty)");
  git("commit -q -am two");
  const std::string two = generated_version(checkout.path(), out.path());
  CHECK(two.rfind("1.2.3 (v1.2.3-1-g", 0) == 0);
}

TEST_CASE("version: this build's string is the release, then git describe of this checkout", "[version]") {
  const std::string version = al::kVersion;
  REQUIRE(version.rfind(al::kRelease, 0) == 0);
  if (!fs::exists(source_dir() / ".git")) {
    CHECK(version == al::kRelease);
    return;
  }
  // "0.1.0 (b91fe88)", "0.1.0 (v0.1.0-3-gb91fe88-dirty)", or "0.1.0 (v0.1.0)" on the tag itself:
  // git reads each of these (without -dirty) as the commit built, which HEAD has (a build
  // before the latest commits names an older one).
  const std::string prefix = std::string(al::kRelease) + " (";
  INFO(version);
  REQUIRE(version.rfind(prefix, 0) == 0);
  REQUIRE(version.back() == ')');
  std::string describe = version.substr(prefix.size(), version.size() - prefix.size() - 1);
  if (describe.size() > 6 && describe.compare(describe.size() - 6, 6, "-dirty") == 0) describe.resize(describe.size() - 6);
  const auto commit = run("git rev-parse --verify --quiet " + sh_quote(describe + "^{commit}"), source_dir());
  CHECK(commit.exit_code == 0);
  const auto ancestor = run("git merge-base --is-ancestor " + sh_quote(describe) + " HEAD", source_dir());
  CHECK(ancestor.exit_code == 0);
}
