// Loopback HTTP/1.1 servers for bench/links-bench: N ports on 127.0.0.1, every
// answer (HEAD or GET) after DELAY ms, keep-alive, one thread per connection.
// Prints the ports on one line, then answers commands on stdin:
//   stats  -> {"requests": R, "max_in_flight": M} (M: the maximum over ports)
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
#include <string>
#include <thread>
#include <vector>

namespace {

struct PortStats {
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
};

std::atomic<long> g_requests{0};
int g_delay_ms = 50;

void serve(int fd, PortStats* stats) {
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
      std::cout << "ok" << std::endl;
    } else if (cmd == "stats") {
      int max = 0;
      for (auto& s : stats) max = std::max(max, s->max_in_flight.load());
      std::cout << "{\"requests\": " << g_requests.load() << ", \"max_in_flight\": " << max << "}" << std::endl;
    }
  }
  return 0;
}
