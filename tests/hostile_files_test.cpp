// Hostile files (issue 14): output to special files is written through and
// never replaces them, caches are never read or written through links or
// special files, and stale temporaries of killed writers are cleaned up.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "archive_lint/io.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using al::test::slurp;
using al::test::spit;
using al::test::TempDir;
using Catch::Contains;

namespace {

// A pid that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

void set_age(const fs::path& file, std::chrono::seconds age) {
  const auto when = std::chrono::system_clock::now() - age;
  const timespec t{std::chrono::system_clock::to_time_t(when), 0};
  const timespec times[2] = {t, t};
  REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// What a FIFO holds once its writer is done, read through a descriptor opened
// before the write (so the writer's open does not wait, and the test cannot
// hang when the FIFO was replaced).
std::string drain(int fd) {
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return got;
}

}  // namespace

TEST_CASE("output: a FIFO and a character device are written through, never replaced", "[io][hostile]") {
  TempDir tmp;
  const fs::path fifo = tmp / "out.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  al::write_output_file(fifo.string(), "findings\n");
  CHECK(drain(reader) == "findings\n");
  CHECK(fs::is_fifo(fifo));
  CHECK(names_in(tmp.path()) == std::set<std::string>{"out.fifo"});

  // A null device of our own (as root), so the test never touches /dev.
  const fs::path null = tmp / "null";
  if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    WARN("mknod not permitted here; the character device case is not run");
    return;
  }
  al::write_output_file(null.string(), "discarded\n");
  CHECK(fs::is_character_file(null));
}

TEST_CASE("output: -, /dev/stdout and /dev/fd/N go to the descriptor", "[io][hostile][cli]") {
  TempDir tmp;
  spit(tmp / "_posts/2022-01-20-a.md", "---\ntitle: a\n---\n<p>x</p>\n");
  const std::string check = al::test::sh_quote(al::test::cli_binary().string()) + " check --offline --format json";
  const auto dash = al::test::run(check + " --output - | cat", tmp.path());
  CHECK(dash.exit_code == 0);
  CHECK(dash.out.find("\"diagnostics\"") != std::string::npos);
  // The /dev paths only in a /dev of the run's own (a private mount): a
  // regression would replace the machine's /dev/stdout with a file.
  const std::string dev = "mount -t tmpfs tmpfs /dev && ln -s /proc/self/fd /dev/fd && "
                          "ln -s /proc/self/fd/1 /dev/stdout && ln -s /proc/self/fd/2 /dev/stderr";
  if (al::test::run("unshare -m sh -c " + al::test::sh_quote(dev), tmp.path()).exit_code != 0) {
    WARN("no private mount namespace here (unshare -m); /dev/stdout, /dev/stderr and /dev/fd/1 are not run");
    return;
  }
  for (const std::string target : {"/dev/stdout", "/dev/fd/1", "/dev/stderr"}) {
    INFO(target);
    const std::string script = dev + " && " + check + " --output " + target + " | cat && test -L /dev/stdout && " +
                               "test -L /dev/stderr && echo links-kept";
    const auto r = al::test::run("unshare -m sh -c " + al::test::sh_quote(script), tmp.path());
    CHECK(r.exit_code == 0);
    CHECK((target == "/dev/stderr" ? r.err : r.out).find("\"diagnostics\"") != std::string::npos);
    CHECK(r.out.find("links-kept") != std::string::npos);
  }
}

TEST_CASE("output: directories, sockets and dangling links are errors in words", "[io][hostile]") {
  TempDir tmp;
  fs::create_directory(tmp / "dir");
  CHECK_THROWS_WITH(al::write_output_file((tmp / "dir").string(), "x"), Contains("dir: is a directory"));

  const fs::path sock = tmp / "s.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  CHECK_THROWS_WITH(al::write_output_file(sock.string(), "x"), Contains("is a socket"));
  ::close(fd);
  CHECK(fs::is_socket(sock));

  fs::create_symlink(tmp / "missing", tmp / "dangling");
  CHECK_THROWS_WITH(al::write_output_file((tmp / "dangling").string(), "x"), Contains("symbolic link to a missing file"));
  CHECK(fs::is_symlink(tmp / "dangling"));
  CHECK_FALSE(fs::exists(tmp / "missing"));
}

TEST_CASE("output: a symbolic link keeps pointing at its target, which is replaced atomically", "[io][hostile]") {
  TempDir tmp;
  fs::create_directory(tmp / "real");
  spit(tmp / "real/report.sarif", "old\n");
  ::chmod((tmp / "real/report.sarif").c_str(), 0600);
  fs::create_symlink("real/report.sarif", tmp / "report.sarif");
  al::write_output_file((tmp / "report.sarif").string(), "new\n");
  CHECK(fs::is_symlink(tmp / "report.sarif"));
  CHECK(slurp(tmp / "real/report.sarif") == "new\n");
  CHECK((fs::status(tmp / "real/report.sarif").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(names_in(tmp / "real") == std::set<std::string>{"report.sarif"});
}

TEST_CASE("output: replacing a file keeps its mode under a strict umask; a new file follows the umask", "[io][hostile]") {
  TempDir tmp;
  spit(tmp / "report.json", "old\n");
  ::chmod((tmp / "report.json").c_str(), 0644);
  const mode_t saved = ::umask(077);
  al::write_output_file((tmp / "report.json").string(), "new\n");
  al::write_output_file((tmp / "fresh.json").string(), "new\n");
  ::umask(saved);
  CHECK(slurp(tmp / "report.json") == "new\n");
  const auto rw_r_r = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
  CHECK((fs::status(tmp / "report.json").permissions() & fs::perms::all) == rw_r_r);  // was 0600: 0644 less the umask
  CHECK((fs::status(tmp / "fresh.json").permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("caches: a symbolic link or special file in place of a cache is left alone", "[io][hostile]") {
  TempDir tmp;
  spit(tmp / "victim", "precious\n");
  fs::create_symlink(tmp / "victim", tmp / "index.tsv");
  CHECK_THROWS_WITH(al::write_file_atomic(tmp / "index.tsv", "cache"), Contains("is a symbolic link, not a regular file"));
  CHECK(fs::is_symlink(tmp / "index.tsv"));
  CHECK(slurp(tmp / "victim") == "precious\n");
  REQUIRE(::mkfifo((tmp / "fifo.json").c_str(), 0600) == 0);
  CHECK_THROWS_WITH(al::write_file_atomic(tmp / "fifo.json", "cache"), Contains("is a FIFO"));
  CHECK(fs::is_fifo(tmp / "fifo.json"));
  std::string error;
  CHECK_FALSE(al::read_regular_file(tmp / "fifo.json", error));  // and no wait for a writer
  CHECK(error == "it is a FIFO, not a regular file");
  CHECK_FALSE(al::read_regular_file(tmp / "index.tsv", error));
  CHECK(error == "it is a symbolic link, not a regular file");
}

TEST_CASE("stale temporaries of the tool's own naming are removed, and only those", "[io][hostile]") {
  TempDir tmp;
  const fs::path target = tmp / "links-cache.json";
  const std::string dead = std::to_string(dead_pid());
  const std::string live = std::to_string(::getpid());
  using std::chrono::hours;
  using std::chrono::minutes;
  const std::vector<std::tuple<std::string, std::chrono::seconds, bool>> files = {
      {".links-cache.json.tmp-" + dead + "-123", minutes(10), true},       // killed writer
      {".links-cache.json.tmp-" + dead + "-124", std::chrono::seconds(0), false},  // maybe another pid namespace
      {".links-cache.json.tmp-" + live + "-125", hours(1), false},       // a live writer
      {".links-cache.json.tmp-" + live + "-126", hours(48), true},       // old whoever wrote it
      {".other.json.tmp-" + dead + "-1", hours(48), false},              // another file's
      {".links-cache.json.tmp-abc", hours(48), false},                   // not our pattern
      {".links-cache.json.tmp-" + dead + "-1x", hours(48), false},
      {"links-cache.json.tmp-" + dead + "-1", hours(48), false},
  };
  for (const auto& [name, age, removed] : files) {
    spit(tmp / name, "partial");
    set_age(tmp / name, age);
  }
  fs::create_symlink(tmp / "elsewhere", tmp / (".links-cache.json.tmp-" + dead + "-9"));  // only regular files go
  al::write_file_atomic(target, "{}\n");
  for (const auto& [name, age, removed] : files) {
    INFO(name);
    CHECK(fs::exists(tmp / name) == !removed);
  }
  CHECK(fs::is_symlink(tmp / (".links-cache.json.tmp-" + dead + "-9")));
  CHECK(slurp(target) == "{}\n");
}

TEST_CASE("the post index: a FIFO or symbolic link in its place is neither waited on nor followed", "[archive][hostile][cli]") {
  TempDir tmp;
  spit(tmp / "_posts/2022-01-20-a.md", "---\ntitle: a\ndate: 2022-01-20 10:00:00 +0800\n---\n<p>x</p>\n");
  spit(tmp / "_posts/2022-01-21-b.md", "---\ntitle: b\ndate: 2022-01-21 10:00:00 +0800\n---\n<p>y</p>\n");
  fs::create_directories(tmp / ".archive-lint");
  REQUIRE(::mkfifo((tmp / ".archive-lint/index.tsv").c_str(), 0600) == 0);
  const std::string bin = "timeout 30 " + al::test::sh_quote(al::test::cli_binary().string());
  auto r = al::test::run(bin + " check --offline --color never _posts/2022-01-20-a.md", tmp.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);  // not 124: the FIFO was not opened for a blocking read
  CHECK_THAT(r.err, Contains("cannot write the index cache") && Contains("is a FIFO"));
  CHECK(fs::is_fifo(tmp / ".archive-lint/index.tsv"));

  fs::remove(tmp / ".archive-lint/index.tsv");
  spit(tmp / "victim", "precious\n");
  fs::create_symlink(tmp / "victim", tmp / ".archive-lint/index.tsv");
  r = al::test::run(bin + " check --offline --color never _posts/2022-01-20-a.md", tmp.path());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("is a symbolic link, not a regular file"));
  CHECK(fs::is_symlink(tmp / ".archive-lint/index.tsv"));
  CHECK(slurp(tmp / "victim") == "precious\n");
}
