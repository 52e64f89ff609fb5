#pragma once
// A small threaded HTTP/1.1 server on an ephemeral 127.0.0.1 port, for the
// link engine tests. It never talks to anything but its own clients, answers
// with `Connection: close` (or, constructed with keep_alive, serves request
// after request on a connection), and every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace al::testing {

class TestHttpServer {
 public:
  explicit TestHttpServer(bool keep_alive = false) : keep_alive_(keep_alive) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
    if (::listen(listen_fd_, 256) != 0) throw std::runtime_error("listen");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~TestHttpServer() { stop(); }
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  void stop() {
    if (stopping_.exchange(true)) return;
    { std::lock_guard<std::mutex> lock(mu_); }  // no waiter between its check and its wait
    cv_.notify_all();
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    if (acceptor_.joinable()) acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
  }

  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  int requests() const { return total_.load(); }
  int connections() const { return connections_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }
  std::size_t endless_bytes_sent() const { return endless_bytes_.load(); }
  int requests_for(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(times_[path].size());
  }
  std::vector<std::chrono::steady_clock::time_point> times_for(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return times_[path];
  }
  std::vector<std::string> methods_for(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return methods_[path];
  }

 private:
  // Waits up to ms, returning early when the server stops.
  void pause(int ms) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
  }

  void accept_loop() {
    while (!stopping_) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      timeval tv{3, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      open_fds_.insert(fd);
      ++connections_;
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  bool send_all(int fd, const std::string& data) {
    // A request stops being "in flight" when its answer starts: once the client
    // has the response it may start the next request before this thread runs
    // again, and counting past this point would see limits broken that held.
    finish_in_flight();
    std::size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  std::string response(int status, const std::string& extra_headers, const std::string& body, bool head) const {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " Test\r\n" + extra_headers +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n" +
                    (keep_alive_ ? "" : "Connection: close\r\n") + "\r\n";
    if (!head) r += body;
    return r;
  }

  void serve(int fd) {
    std::string pending;  // bytes after the last request read
    while (serve_one(fd, pending)) {
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.erase(fd);
    }
    ::close(fd);
  }

  // Reads and answers one request; true when the connection stays open for another.
  bool serve_one(int fd, std::string& pending) {
    std::string request = std::move(pending);
    pending.clear();
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      request.append(buf, static_cast<std::size_t>(n));
    }
    const auto end = request.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    pending = request.substr(end + 4);  // requests carry no body here
    const auto sp1 = request.find(' ');
    const auto sp2 = request.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
    const std::string method = request.substr(0, sp1);
    const std::string path = request.substr(sp1 + 1, sp2 - sp1 - 1);
    const int now = ++in_flight_;
    counted_ = true;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    ++total_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      times_[path].push_back(std::chrono::steady_clock::now());
      methods_[path].push_back(method);
    }
    route(fd, method, path);
    finish_in_flight();
    // These answer with no response, or with one that only closing ends.
    return keep_alive_ && !stopping_ && path != "/close" && path != "/hang" && path != "/endless";
  }

  static int number_after(const std::string& path, const std::string& prefix) {
    std::size_t i = prefix.size();
    int n = 0;
    while (i < path.size() && path[i] >= '0' && path[i] <= '9') n = n * 10 + (path[i++] - '0');
    return n;
  }

  void route(int fd, const std::string& method, const std::string& path) {
    const bool head = method == "HEAD";
    auto starts = [&](const char* p) { return path.rfind(p, 0) == 0; };
    if (path == "/ok" || starts("/ok/")) {
      send_all(fd, response(200, "Content-Type: text/html\r\n", "<p>ok</p>", head));
    } else if (starts("/status/")) {
      const int code = number_after(path, "/status/");
      const std::string loc = code >= 300 && code < 400 ? "Location: /ok\r\n" : "";
      send_all(fd, response(code, loc, "status", head));
    } else if (starts("/to-port/")) {
      // To the same path on another loopback port, by name: judged at connect time.
      const std::string loc = "Location: http://localhost:" + std::to_string(number_after(path, "/to-port/")) + "/ok\r\n";
      send_all(fd, response(302, loc, "", head));
    } else if (path == "/to-private") {
      send_all(fd, response(302, "Location: http://10.0.0.1/ok\r\n", "", head));
    } else if (starts("/redirect/")) {
      const int code = number_after(path, "/redirect/");
      send_all(fd, response(code, "Location: /ok\r\n", "", head));
    } else if (starts("/slow/") || starts("/delay/")) {
      pause(number_after(path, starts("/slow/") ? "/slow/" : "/delay/"));
      send_all(fd, response(200, "", "late", head));
    } else if (path == "/head405") {
      send_all(fd, head ? response(405, "Allow: GET\r\n", "", true) : response(200, "", "get ok", false));
    } else if (starts("/retry-after/")) {
      int count = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        count = static_cast<int>(times_[path].size());
      }
      if (count == 1) send_all(fd, response(429, "Retry-After: 1\r\n", "slow down", head));
      else send_all(fd, response(200, "", "ok", head));
    } else if (starts("/retry-date/")) {
      int count = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        count = static_cast<int>(times_[path].size());
      }
      if (count == 1) {
        // Retry-After as an HTTP date, two seconds ahead.
        const std::time_t when = std::time(nullptr) + 2;
        std::tm tm{};
        gmtime_r(&when, &tm);
        char date[64];
        std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        send_all(fd, response(503, std::string("Retry-After: ") + date + "\r\n", "later", head));
      } else {
        send_all(fd, response(200, "", "ok", head));
      }
    } else if (path == "/endless") {
      if (head) {
        send_all(fd, response(405, "", "", true));
        return;
      }
      if (!send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")) return;
      const std::string chunk(16384, 'x');
      // Bounded: stops when the client goes away, on stop, or after 64 MiB.
      for (int i = 0; i < 4096 && !stopping_; ++i) {
        if (!send_all(fd, chunk)) break;
        endless_bytes_ += chunk.size();
      }
    } else if (path == "/loop/a") {
      send_all(fd, response(302, "Location: /loop/b\r\n", "", head));
    } else if (path == "/loop/b") {
      send_all(fd, response(302, "Location: /loop/a\r\n", "", head));
    } else if (path == "/hang") {
      pause(10000);
    } else if (path == "/close") {
      // Read the request, then hang up without a byte.
    } else if (path == "/challenge") {
      send_all(fd, response(403, "cf-mitigated: challenge\r\n", "Just a moment...", head));
    } else {
      send_all(fd, response(404, "", "not found", head));
    }
  }

  void finish_in_flight() {
    if (counted_) {
      counted_ = false;
      --in_flight_;
    }
  }

  static inline thread_local bool counted_ = false;
  const bool keep_alive_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  std::set<int> open_fds_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> times_;
  std::map<std::string, std::vector<std::string>> methods_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<int> total_{0};
  std::atomic<int> connections_{0};
  std::atomic<std::size_t> endless_bytes_{0};
};

// A 127.0.0.1 port with nothing listening: bound, then closed.
inline int closed_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("bind");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace al::testing
