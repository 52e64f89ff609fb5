// Loopback HTTP/1.1 servers for bench/links-bench: N ports on 127.0.0.1, every
// answer (HEAD or GET) after DELAY ms, keep-alive, one thread per connection.
// Prints the ports on one line, then answers commands on stdin:
//   stats  -> one JSON line: {"requests": R, "max_in_flight": M (the maximum over ports),
//             "connections": C (accepted), "first_request": T, "last_response": T
//             (CLOCK_MONOTONIC seconds, as Python's time.monotonic(); 0 without requests),
//             "reuse_gaps_ms": [...], "new_conn_gaps_ms": [...], "late_ms": [...],
//             "conn_first_ms": [...]}
//             reuse gap: from sending a response to receiving the next request on the same
//             connection (how long the client left a kept-alive connection idle);
//             new-connection gap: from the connection's thread starting to its first request;
//             late: how much longer than DELAY each answer took to send (this server's own cost);
//             conn_first: when each connection's first request came, after the first request of all
//             (the spread of the first round, which every later round inherits).
//   reset  -> zeroes the counters
// and exits at EOF. Build: c++ -O2 -std=c++17 -pthread links-server.cpp
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct PortStats {
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
};

using Clock = std::chrono::steady_clock;

std::atomic<long> g_requests{0};
int g_delay_ms = 50;

// The timeline, reset by "reset"; a few thousand entries per run, under one mutex.
struct Timeline {
  std::mutex mutex;
  long connections = 0;
  Clock::time_point first_request = Clock::time_point::max();
  Clock::time_point last_response = Clock::time_point::min();
  std::vector<double> reuse_gaps_ms;
  std::vector<double> new_conn_gaps_ms;
  std::vector<double> late_ms;
  std::vector<Clock::time_point> conn_first;
};
Timeline g_timeline;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

void serve(int fd, PortStats* stats) {
  {
    std::lock_guard<std::mutex> lock(g_timeline.mutex);
    ++g_timeline.connections;
  }
  Clock::time_point idle_since = Clock::now();  // this thread starting, then each response sent
  bool reused = false;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string buf;
  char chunk[4096];
  static const std::string kBody = "<html><body>ok</body></html>";
  for (;;) {
    std::size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0 || buf.size() > 65536) {
        ::close(fd);
        return;
      }
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    const auto received = Clock::now();
    {
      std::lock_guard<std::mutex> lock(g_timeline.mutex);
      g_timeline.first_request = std::min(g_timeline.first_request, received);
      (reused ? g_timeline.reuse_gaps_ms : g_timeline.new_conn_gaps_ms).push_back(ms_between(idle_since, received));
      if (!reused) g_timeline.conn_first.push_back(received);
    }
    const bool head = buf.compare(0, 5, "HEAD ") == 0;
    buf.erase(0, end + 4);
    ++g_requests;
    const int now = ++stats->in_flight;
    int seen = stats->max_in_flight.load();
    while (now > seen && !stats->max_in_flight.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(g_delay_ms));
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                           std::to_string(kBody.size()) + "\r\n\r\n";
    if (!head) response += kBody;
    --stats->in_flight;
    if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(response.size())) {
      ::close(fd);
      return;
    }
    idle_since = Clock::now();
    reused = true;
    {
      std::lock_guard<std::mutex> lock(g_timeline.mutex);
      g_timeline.last_response = std::max(g_timeline.last_response, idle_since);
      g_timeline.late_ms.push_back(ms_between(received, idle_since) - g_delay_ms);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int ports = argc > 1 ? std::atoi(argv[1]) : 10;
  g_delay_ms = argc > 2 ? std::atoi(argv[2]) : 50;
  std::vector<std::unique_ptr<PortStats>> stats;
  std::string line;
  for (int i = 0; i < ports; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1024) != 0) {
      std::perror("bind/listen");
      return 1;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    line += (i ? " " : "") + std::to_string(ntohs(addr.sin_port));
    stats.push_back(std::make_unique<PortStats>());
    PortStats* s = stats.back().get();
    std::thread([fd, s] {
      for (;;) {
        const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) std::thread(serve, c, s).detach();
      }
    }).detach();
  }
  std::cout << line << std::endl;
  std::string cmd;
  while (std::getline(std::cin, cmd)) {
    if (cmd == "reset") {
      g_requests = 0;
      for (auto& s : stats) s->max_in_flight = 0;
      std::lock_guard<std::mutex> lock(g_timeline.mutex);
      g_timeline.connections = 0;
      g_timeline.first_request = Clock::time_point::max();
      g_timeline.last_response = Clock::time_point::min();
      g_timeline.reuse_gaps_ms.clear();
      g_timeline.new_conn_gaps_ms.clear();
      g_timeline.late_ms.clear();
      g_timeline.conn_first.clear();
      std::cout << "ok" << std::endl;
    } else if (cmd == "stats") {
      int max = 0;
      for (auto& s : stats) max = std::max(max, s->max_in_flight.load());
      std::lock_guard<std::mutex> lock(g_timeline.mutex);
      const bool any = g_timeline.first_request != Clock::time_point::max();
      auto seconds = [&](Clock::time_point t) {
        return any ? std::chrono::duration<double>(t.time_since_epoch()).count() : 0.0;
      };
      auto list = [](const std::vector<double>& v) {
        std::ostringstream out;
        out.precision(3);
        out << std::fixed << "[";
        for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
        out << "]";
        return out.str();
      };
      std::ostringstream out;
      out.precision(6);
      out << std::fixed << "{\"requests\": " << g_requests.load() << ", \"max_in_flight\": " << max
          << ", \"connections\": " << g_timeline.connections << ", \"first_request\": " << seconds(g_timeline.first_request)
          << ", \"last_response\": " << seconds(g_timeline.last_response)
          << ", \"reuse_gaps_ms\": " << list(g_timeline.reuse_gaps_ms)
          << ", \"new_conn_gaps_ms\": " << list(g_timeline.new_conn_gaps_ms)
          << ", \"late_ms\": " << list(g_timeline.late_ms);
      std::vector<double> conn_first;
      for (const auto t : g_timeline.conn_first) conn_first.push_back(ms_between(g_timeline.first_request, t));
      out << ", \"conn_first_ms\": " << list(conn_first) << "}";
      std::cout << out.str() << std::endl;
    }
  }
  return 0;
}
