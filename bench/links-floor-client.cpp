// The least a client can do against bench/links-server.cpp, for `links-bench --floor`:
// PER keep-alive connections to each port, LINKS HEAD requests in all (the URLs the
// bench posts hold, in the same order: link i goes to port i % ports), each connection
// sending its next request as soon as the previous answer's header has arrived. No
// parsing beyond the header end, no files, no cache. What it measures is what the
// server, the kernel and this machine cost any client.
// Usage: links-floor-client PER LINKS PORT...   Build: c++ -O2 -std=c++17 links-floor-client.cpp
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

namespace {

struct Connection {
  int fd = -1;
  std::size_t port = 0;  // index into the ports
  std::string buffer;
  bool busy = false;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: links-floor-client PER LINKS PORT...\n");
    return 2;
  }
  const int per = std::atoi(argv[1]);
  const int links = std::atoi(argv[2]);
  std::vector<int> ports;
  for (int i = 3; i < argc; ++i) ports.push_back(std::atoi(argv[i]));
  std::vector<std::deque<int>> queue(ports.size());  // link numbers still to request, per port
  for (int i = 0; i < links; ++i) queue[static_cast<std::size_t>(i) % ports.size()].push_back(i);

  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Connection> connections(ports.size() * static_cast<std::size_t>(per));
  int in_flight = 0;
  auto send_next = [&](Connection& c) {
    auto& q = queue[c.port];
    if (q.empty()) return;
    const std::string request = "HEAD /page/" + std::to_string(q.front()) + ".html HTTP/1.1\r\nHost: 127.0.0.1:" +
                                std::to_string(ports[c.port]) + "\r\nUser-Agent: links-floor-client\r\n\r\n";
    q.pop_front();
    if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      std::perror("send");
      std::exit(1);
    }
    c.busy = true;
    ++in_flight;
  };
  for (std::size_t i = 0; i < connections.size(); ++i) {
    Connection& c = connections[i];
    c.port = i / static_cast<std::size_t>(per);
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(ports[c.port]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      std::perror("connect");
      return 1;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &ev);
    send_next(c);
  }
  epoll_event events[64];
  char chunk[4096];
  while (in_flight > 0) {
    const int n = ::epoll_wait(epoll, events, 64, 10000);
    if (n <= 0) {
      std::fprintf(stderr, "links-floor-client: no answer for 10 s\n");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      Connection& c = *static_cast<Connection*>(events[i].data.ptr);
      const ssize_t got = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        std::fprintf(stderr, "links-floor-client: the server closed a connection\n");
        return 1;
      }
      c.buffer.append(chunk, static_cast<std::size_t>(got));
      for (std::size_t end; c.busy && (end = c.buffer.find("\r\n\r\n")) != std::string::npos;) {
        c.buffer.erase(0, end + 4);  // HEAD: the header is the whole answer
        c.busy = false;
        --in_flight;
        send_next(c);
      }
    }
  }
  for (const auto& c : connections) ::close(c.fd);
  return 0;
}
