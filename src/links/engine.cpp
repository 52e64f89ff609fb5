// The link engine: the only place in archive-lint that opens network sockets.
#include "links/engine.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "archive_lint/text.hpp"
#include "links/address_policy.hpp"
#include "links/curl_library.hpp"
#include "links/url.hpp"

namespace al::links {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::redirect: return "redirect";
    case Outcome::dead: return "dead";
    case Outcome::forbidden: return "forbidden";
    case Outcome::unreachable: return "unreachable";
    case Outcome::server_error: return "server-error";
    case Outcome::redirect_loop: return "redirect-loop";
    case Outcome::blocked: return "blocked";
  }
  return "unreachable";
}

bool parse_outcome(std::string_view text, Outcome& out) {
  for (const Outcome o : {Outcome::ok, Outcome::redirect, Outcome::dead, Outcome::forbidden, Outcome::unreachable,
                          Outcome::server_error, Outcome::redirect_loop, Outcome::blocked}) {
    if (to_string(o) == text) {
      out = o;
      return true;
    }
  }
  return false;
}

namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

struct Job {
  const EngineOptions* options = nullptr;
  std::size_t index = 0;
  std::string current;     // URL being requested
  std::string host_key;
  std::string host_name;
  bool head = true;
  int retries_used = 0;
  int hops = 0;
  std::vector<std::string> chain;  // URLs visited, for loop detection and messages
  bool permanent_so_far = true;    // every hop so far was 301/308
  std::string permanent_target;    // the last URL reached through permanent hops only
  Clock::time_point not_before{};

  // Per transfer.
  CURL* easy = nullptr;
  bool blocked = false;
  std::string blocked_reason;
  std::size_t body = 0;
  bool capped = false;
  bool challenge = false;
  char errbuf[CURL_ERROR_SIZE] = {};
};

struct Host {
  std::deque<Job*> queue;
  int in_flight = 0;
  Clock::time_point next_start{};
};

class Engine {
 public:
  Engine(const std::vector<std::string>& urls, const EngineOptions& options, const LinkProgressFn& progress)
      : curl_(curl_library()), urls_(urls), opt_(options), progress_(progress), results_(urls.size()), rng_(std::random_device{}()) {
    multi_ = curl_.multi_init();
    if (!multi_) throw std::runtime_error("libcurl: cannot create a multi handle");
    curl_.multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(opt_.max_concurrency, 1)) * 2);
    // Event-driven: libcurl names the sockets to watch and its next timeout, so a
    // wake-up costs work for the sockets that are ready, not for every transfer.
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
      const std::string why = std::strerror(errno);
      curl_.multi_cleanup(multi_);
      throw std::runtime_error("cannot create an epoll instance: " + why);
    }
    curl_.multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Engine::on_socket);
    curl_.multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_.multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Engine::on_timer);
    curl_.multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  }
  ~Engine() {
    for (auto& job : jobs_) {
      if (job->easy) {
        curl_.multi_remove_handle(multi_, job->easy);
        curl_.easy_cleanup(job->easy);
      }
    }
    for (CURL* e : idle_) curl_.easy_cleanup(e);
    curl_.multi_cleanup(multi_);
    ::close(epoll_);
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Clock::time_point first_start() const { return first_start_; }  // {} when nothing was sent
  Clock::time_point last_done() const { return last_done_; }
  long connections() const { return connections_; }

  std::vector<CheckResult> run() {
    started_ = Clock::now();
    for (std::size_t i = 0; i < urls_.size(); ++i) {
      auto job = std::make_unique<Job>();
      job->options = &opt_;
      job->index = i;
      job->current = urls_[i];
      job->chain.push_back(urls_[i]);
      Job* j = job.get();
      jobs_.push_back(std::move(job));
      Url parsed;
      std::string error;
      if (!parse_http_url(j->current, parsed, error)) {
        finish(*j, Outcome::unreachable, 0, "malformed URL: " + error);
        continue;
      }
      if (!opt_.allow_private) {
        if (auto why = blocked_literal(parsed.host)) {
          finish(*j, Outcome::blocked, 0, fmt::format("{} is a {} address", parsed.host, *why));
          continue;
        }
      }
      j->host_key = parsed.host_key();
      j->host_name = parsed.host;
      hosts_[j->host_key].queue.push_back(j);
    }
    loop();
    return std::move(results_);
  }

 private:
  void loop() {
    epoll_event events[64];
    while (done_ < urls_.size()) {
      advance();
      if (done_ >= urls_.size()) break;
      // Sleep until a socket is ready, libcurl's timeout is due, or the next job may start.
      const auto next = std::min(next_wake(), curl_due_);
      int wait_ms = 100;
      if (next != Clock::time_point::max()) {
        // Rounded up: waking a fraction of a millisecond early would spin until it is due.
        wait_ms = static_cast<int>(std::clamp<long long>(std::chrono::ceil<Ms>(next - Clock::now()).count(), 0, 100));
      }
      const int n = ::epoll_wait(epoll_, events, static_cast<int>(std::size(events)), wait_ms);
      for (int i = 0; i < n; ++i) {
        int mask = 0;
        if (events[i].events & (EPOLLIN | EPOLLHUP)) mask |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (events[i].events & EPOLLERR) mask |= CURL_CSELECT_ERR;
        int running = 0;
        curl_.multi_socket_action(multi_, events[i].data.fd, mask, &running);
        // A finished transfer's slot is refilled before the other ready sockets are read.
        if (drain()) advance();
      }
    }
  }

  // Starts what may start and runs libcurl's due timers (a transfer just added
  // is due at once), then handles what finished, until nothing is left to do now.
  void advance() {
    do {
      const auto now = Clock::now();
      promote_delayed(now);
      start_ready(now);
      if (curl_due_ <= Clock::now()) {
        curl_due_ = Clock::time_point::max();
        int running = 0;
        curl_.multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
        // libcurl reports a timeout only when it changes: if ours fired before libcurl's
        // own clock said so, nothing ran and no new one comes. Ask, so none is lost.
        long ms = -1;
        if (curl_due_ == Clock::time_point::max() && curl_.multi_timeout(multi_, &ms) == CURLM_OK && ms >= 0)
          curl_due_ = Clock::now() + Ms(ms);
      }
    } while (drain());
  }

  // libcurl asks to watch a socket for reading and/or writing, or to forget it.
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp) {
    (void)easy;
    auto* self = static_cast<Engine*>(userp);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(self->epoll_, EPOLL_CTL_DEL, fd, nullptr);  // fails harmlessly if already closed
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = fd;
    if (what & CURL_POLL_IN) ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) ev.events |= EPOLLOUT;
    // socketp stays null until curl_multi_assign marks the socket as added.
    if (::epoll_ctl(self->epoll_, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0 &&
        ::epoll_ctl(self->epoll_, socketp ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) != 0) {
      return -1;  // libcurl fails the transfers on this socket
    }
    if (!socketp) self->curl_.multi_assign(self->multi_, fd, self);
    return 0;
  }

  // libcurl's one timeout: CURL_SOCKET_TIMEOUT runs once it is due (-1: none).
  static int on_timer(CURLM* multi, long timeout_ms, void* userp) {
    (void)multi;
    auto* self = static_cast<Engine*>(userp);
    self->curl_due_ = timeout_ms < 0 ? Clock::time_point::max() : Clock::now() + Ms(timeout_ms);
    return 0;
  }

  Clock::time_point next_wake() const {
    auto best = Clock::time_point::max();
    for (const Job* j : delayed_) best = std::min(best, j->not_before);
    // At the global limit only a finished transfer (a socket event) frees a slot.
    if (active_ >= opt_.max_concurrency) return best;
    for (const auto& [key, host] : hosts_) {
      if (!host.queue.empty() && host.in_flight < opt_.max_per_host) best = std::min(best, host.next_start);
    }
    return best;
  }

  void promote_delayed(Clock::time_point now) {
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if ((*it)->not_before <= now) {
        hosts_[(*it)->host_key].queue.push_front(*it);
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void start_ready(Clock::time_point now) {
    bool started = true;
    // Round-robin over hosts, one request per host per pass, so no host starves the others.
    while (started && active_ < opt_.max_concurrency) {
      started = false;
      for (auto& [key, host] : hosts_) {
        if (active_ >= opt_.max_concurrency) break;
        if (host.queue.empty() || host.in_flight >= opt_.max_per_host || host.next_start > now) continue;
        Job* j = host.queue.front();
        host.queue.pop_front();
        if (auto failed = dns_failed_.find(j->host_name); failed != dns_failed_.end()) {
          // One failed lookup answers for every URL on that host.
          finish(*j, Outcome::unreachable, 0, failed->second);
          started = true;
          continue;
        }
        ++host.in_flight;
        host.next_start = now + Ms(opt_.min_interval_ms);
        start(*j);
        started = true;
      }
    }
  }

  static curl_socket_t open_socket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
    auto* job = static_cast<Job*>(clientp);
    (void)purpose;
    const auto& public_for_tests = job->options->treat_as_public;
    if (!job->options->allow_private && !(public_for_tests && public_for_tests(&address->addr))) {
      if (auto why = blocked_reason(&address->addr)) {
        job->blocked = true;
        job->blocked_reason = fmt::format("{} is a {} address", address_text(&address->addr), *why);
        return CURL_SOCKET_BAD;
      }
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* userp) {
    (void)data;
    Job& j = *static_cast<Job*>(userp);
    const std::size_t n = size * count;
    j.body += n;
    if (j.body > j.options->max_body_bytes) {
      j.capped = true;
      return 0;  // abort: we know the status, the rest of the body does not matter
    }
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* userp) {
    Job& j = *static_cast<Job*>(userp);
    const std::size_t n = size * count;
    const std::string line = to_lower_ascii(std::string_view(data, n));
    if (line.rfind("cf-mitigated:", 0) == 0 || line.rfind("x-amzn-waf-action:", 0) == 0) j.challenge = true;
    return n;
  }

  // An easy handle with the options every request shares: one a finished
  // transfer gave back, or a new one. Reuse spares an allocation and a dozen
  // option copies per request (connections are pooled by the multi handle
  // either way); everything naming the job or the request is set in start().
  CURL* take_handle() {
    if (!idle_.empty()) {
      CURL* e = idle_.back();
      idle_.pop_back();
      return e;
    }
    CURL* e = curl_.easy_init();
    if (!e) return nullptr;
    curl_.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_.easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // followed here, hop by hop
    curl_.easy_setopt(e, CURLOPT_PROXY, "");           // never route through an environment proxy
    curl_.easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED));
    curl_.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, opt_.connect_timeout_ms);
    curl_.easy_setopt(e, CURLOPT_TIMEOUT_MS, opt_.timeout_ms);
    curl_.easy_setopt(e, CURLOPT_USERAGENT, opt_.user_agent.c_str());
    curl_.easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opt_.max_body_bytes));
    curl_.easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Engine::open_socket);
    curl_.easy_setopt(e, CURLOPT_WRITEFUNCTION, &Engine::on_body);
    curl_.easy_setopt(e, CURLOPT_HEADERFUNCTION, &Engine::on_header);
    return e;
  }

  void start(Job& j) {
    j.blocked = false;
    j.blocked_reason.clear();
    j.capped = false;
    j.challenge = false;
    j.errbuf[0] = '\0';
    CURL* e = take_handle();
    if (!e) {
      finish(j, Outcome::unreachable, 0, "libcurl: cannot create a handle");
      release_host(j);
      return;
    }
    j.easy = e;
    curl_.easy_setopt(e, CURLOPT_URL, j.current.c_str());
    curl_.easy_setopt(e, CURLOPT_PRIVATE, &j);
    curl_.easy_setopt(e, CURLOPT_OPENSOCKETDATA, &j);
    curl_.easy_setopt(e, CURLOPT_WRITEDATA, &j);
    curl_.easy_setopt(e, CURLOPT_HEADERDATA, &j);
    curl_.easy_setopt(e, CURLOPT_ERRORBUFFER, j.errbuf);
    if (j.head) curl_.easy_setopt(e, CURLOPT_NOBODY, 1L);
    else curl_.easy_setopt(e, CURLOPT_HTTPGET, 1L);
    ++results_[j.index].requests;
    if (first_start_ == Clock::time_point{}) first_start_ = Clock::now();
    curl_.multi_add_handle(multi_, e);
    ++active_;
  }

  void release_host(Job& j) {
    auto& host = hosts_[j.host_key];
    if (host.in_flight > 0) --host.in_flight;
  }

  // Handles the finished transfers; true if there was one.
  bool drain() {
    bool any = false;
    int left = 0;
    while (CURLMsg* msg = curl_.multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      Job* j = nullptr;
      curl_.easy_getinfo(e, CURLINFO_PRIVATE, &j);
      long status = 0;
      curl_.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
      char* location = nullptr;
      curl_.easy_getinfo(e, CURLINFO_REDIRECT_URL, &location);
      const std::string redirect = location ? location : "";
      curl_off_t retry_after = 0;
      curl_.easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry_after);
      long os_errno = 0;
      curl_.easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
      long opened = 0;
      curl_.easy_getinfo(e, CURLINFO_NUM_CONNECTS, &opened);
      connections_ += opened;
      last_done_ = Clock::now();
      curl_.multi_remove_handle(multi_, e);
      // libcurl never clears CURLINFO_OS_ERRNO on a reused handle: keep only clean ones.
      if (os_errno == 0) idle_.push_back(e);
      else curl_.easy_cleanup(e);
      j->easy = nullptr;
      --active_;
      release_host(*j);
      results_[j->index].body_bytes += j->body;
      j->body = 0;
      completed(*j, rc, status, redirect, static_cast<long>(retry_after), os_errno);
      any = true;
    }
    return any;
  }

  bool accepted(long status) const {
    return std::any_of(opt_.accept.begin(), opt_.accept.end(),
                       [&](const StatusRange& r) { return status >= r.low && status <= r.high; });
  }

  long backoff_ms(int attempt) {
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const double base = static_cast<double>(opt_.backoff_base_ms) * static_cast<double>(1L << std::min(attempt, 16));
    return static_cast<long>(std::min(base * jitter(rng_), static_cast<double>(opt_.backoff_max_ms)));
  }

  void requeue(Job& j, long delay_ms) {
    if (delay_ms <= 0) {
      hosts_[j.host_key].queue.push_front(&j);
      return;
    }
    j.not_before = Clock::now() + Ms(delay_ms);
    delayed_.push_back(&j);
  }

  bool retry(Job& j, long retry_after_s = 0) {
    if (j.retries_used >= opt_.retries) return false;
    long delay = backoff_ms(j.retries_used);
    if (retry_after_s > 0) {
      const long ra = std::min(retry_after_s * 1000, opt_.retry_after_max_ms);
      delay = std::max(delay, ra);
      // Slow the host, not the run: nothing else starts on it before then.
      auto& host = hosts_[j.host_key];
      host.next_start = std::max(host.next_start, Clock::now() + Ms(ra));
    }
    ++j.retries_used;
    requeue(j, delay);
    return true;
  }

  static std::string transport_cause(CURLcode rc, long os_errno, const char* errbuf, const EngineOptions& opt) {
    std::string detail = errbuf && *errbuf ? std::string(errbuf) : curl_library().easy_strerror(rc);
    switch (rc) {
      case CURLE_COULDNT_RESOLVE_HOST: return fmt::format("DNS lookup failed ({})", detail);
      case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED) return "connection refused";
        return fmt::format("cannot connect ({})", detail);
      case CURLE_OPERATION_TIMEDOUT:
        return fmt::format("timed out ({} s limit; {})", static_cast<double>(opt.timeout_ms) / 1000.0, detail);
      case CURLE_GOT_NOTHING: return "the server closed the connection without a response";
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR:
        if (os_errno == ECONNRESET) return "connection reset by peer";
        return fmt::format("connection error ({})", detail);
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CIPHER:
        return fmt::format("TLS error ({})", detail);
      case CURLE_TOO_MANY_REDIRECTS: return "too many redirects";
      default: return detail;
    }
  }

  static bool retryable(CURLcode rc) {
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_GOT_NOTHING:
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR:
      case CURLE_PARTIAL_FILE:
        return true;
      default:
        return false;
    }
  }

  void completed(Job& j, CURLcode rc, long status, const std::string& redirect, long retry_after_s, long os_errno) {
    if (j.blocked && rc != CURLE_OK) {
      finish(j, Outcome::blocked, 0, j.blocked_reason);
      return;
    }
    // A body cut at the cap, or refused for its announced size, still answered.
    const bool cut = (rc == CURLE_WRITE_ERROR && j.capped) || rc == CURLE_FILESIZE_EXCEEDED;
    if (rc != CURLE_OK && !(cut && status > 0)) {
      if (rc == CURLE_COULDNT_RESOLVE_HOST) {
        std::string cause = transport_cause(rc, os_errno, j.errbuf, opt_);
        dns_failed_[j.host_name] = cause;
        finish(j, Outcome::unreachable, 0, std::move(cause));
        return;
      }
      const bool refused = rc == CURLE_COULDNT_CONNECT;
      if (j.head && !refused) {
        j.head = false;  // some servers mishandle HEAD: try GET before counting a retry
        requeue(j, 0);
        return;
      }
      if (retryable(rc) && retry(j)) return;
      finish(j, Outcome::unreachable, 0, transport_cause(rc, os_errno, j.errbuf, opt_));
      return;
    }
    results_[j.index].status = status;
    if (!j.challenge && accepted(status)) {
      finish_alive(j);
      return;
    }
    if (status >= 300 && status < 400 && !redirect.empty()) {
      follow(j, status, redirect);
      return;
    }
    if (j.head && (status == 405 || status == 403 || status == 501 || status == 400 || status == 999 || j.challenge)) {
      j.head = false;
      requeue(j, 0);
      return;
    }
    if ((status == 429 || status >= 500) && status < 600 && retry(j, retry_after_s)) return;
    if (status == 403 || status == 999 || status == 429 || j.challenge) {
      finish(j, Outcome::forbidden, status,
             j.challenge ? fmt::format("HTTP {} with a bot-protection challenge", status)
                         : status == 429 ? "HTTP 429 Too Many Requests, still after retries"
                                         : fmt::format("HTTP {}", status));
      return;
    }
    if (status >= 500 && status < 600) {
      finish(j, Outcome::server_error, status,
             j.retries_used > 0 ? fmt::format("HTTP {} after {} retries", status, j.retries_used)
                                : fmt::format("HTTP {}", status));
      return;
    }
    if (status >= 300 && status < 400) {
      finish(j, Outcome::dead, status, fmt::format("HTTP {} without a Location header", status));
      return;
    }
    finish(j, Outcome::dead, status, fmt::format("HTTP {}", status));
  }

  void follow(Job& j, long status, const std::string& target) {
    Url parsed;
    std::string error;
    if (!parse_http_url(target, parsed, error)) {
      finish(j, Outcome::unreachable, status, fmt::format("redirects to an unusable URL {} ({})", target, error));
      return;
    }
    const std::string next = parsed.normalized();
    if (std::find(j.chain.begin(), j.chain.end(), next) != j.chain.end()) {
      std::string path;
      for (const auto& u : j.chain) path += u + " -> ";
      finish(j, Outcome::redirect_loop, status, "redirect loop: " + path + next);
      return;
    }
    if (++j.hops > opt_.max_redirects) {
      finish(j, Outcome::redirect_loop, status, fmt::format("more than {} redirects", opt_.max_redirects));
      return;
    }
    if (!opt_.allow_private) {
      if (auto why = blocked_literal(parsed.host)) {
        finish(j, Outcome::blocked, 0, fmt::format("redirects to {}, a {} address", parsed.host, *why));
        return;
      }
    }
    const bool permanent = status == 301 || status == 308;
    j.permanent_so_far = j.permanent_so_far && permanent;
    if (j.permanent_so_far) j.permanent_target = next;
    j.chain.push_back(next);
    j.current = next;
    j.host_key = parsed.host_key();
    j.host_name = parsed.host;
    hosts_[j.host_key].queue.push_front(&j);
  }

  void finish_alive(Job& j) {
    CheckResult& r = results_[j.index];
    r.final_url = j.current;
    if (!j.permanent_target.empty()) {
      r.outcome = Outcome::redirect;
      r.redirect_to = j.permanent_target;
      r.detail = fmt::format("permanently redirected to {}", j.permanent_target);
    } else {
      r.outcome = Outcome::ok;
      r.detail = fmt::format("HTTP {}", r.status);
    }
    mark_done(r);
  }

  void finish(Job& j, Outcome outcome, long status, std::string detail) {
    CheckResult& r = results_[j.index];
    r.outcome = outcome;
    if (status) r.status = status;
    r.final_url = j.current;
    r.detail = std::move(detail);
    mark_done(r);
  }

  void mark_done(const CheckResult& r) {
    ++done_;
    if (!is_alive(r.outcome)) ++failing_;
    if (progress_) {
      LinkProgress p;
      p.done = done_;
      p.total = urls_.size();
      p.failing = failing_;
      p.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
      progress_(p);
    }
  }

  const CurlLibrary& curl_;
  const std::vector<std::string>& urls_;
  const EngineOptions& opt_;
  const LinkProgressFn& progress_;
  std::vector<CheckResult> results_;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::map<std::string, Host> hosts_;
  std::vector<Job*> delayed_;
  std::map<std::string, std::string> dns_failed_;  // host name -> cause
  CURLM* multi_ = nullptr;
  int epoll_ = -1;
  std::vector<CURL*> idle_;  // easy handles between transfers
  Clock::time_point curl_due_ = Clock::time_point::max();  // libcurl's next timeout
  int active_ = 0;
  std::size_t done_ = 0;
  std::size_t failing_ = 0;
  Clock::time_point started_;
  Clock::time_point first_start_{};  // the first request handed to libcurl
  Clock::time_point last_done_{};    // the last transfer finished
  long connections_ = 0;
  std::mt19937 rng_;
};

}  // namespace

std::vector<CheckResult> check_urls(const std::vector<std::string>& urls, const EngineOptions& options,
                                    const LinkProgressFn& progress, EngineStats* stats) {
  if (urls.empty()) return {};
  const auto begin = Clock::now();
  auto engine = std::make_unique<Engine>(urls, options, progress);
  std::vector<CheckResult> results = engine->run();
  const auto ran = Clock::now();
  const auto first = engine->first_start() == Clock::time_point{} ? ran : engine->first_start();
  const auto last = engine->first_start() == Clock::time_point{} ? ran : engine->last_done();
  const long connections = engine->connections();
  engine.reset();
  if (stats) {
    using MsD = std::chrono::duration<double, std::milli>;
    stats->setup_ms = MsD(first - begin).count();
    stats->network_ms = MsD(last - first).count();
    stats->teardown_ms = MsD(Clock::now() - ran).count();
    stats->requests = 0;
    for (const auto& r : results) stats->requests += r.requests;
    stats->connections = connections;
  }
  return results;
}

}  // namespace al::links
