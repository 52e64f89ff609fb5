// The link engine: the only place in archive-lint that opens network sockets.
#include "links/engine.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

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
#include <thread>

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
    curl_.multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(opt_.max_concurrency, 1) * 2));
  }
  ~Engine() {
    for (auto& job : jobs_) {
      if (job->easy) {
        curl_.multi_remove_handle(multi_, job->easy);
        curl_.easy_cleanup(job->easy);
      }
    }
    curl_.multi_cleanup(multi_);
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

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
    int running = 0;
    while (done_ < urls_.size()) {
      const auto now = Clock::now();
      promote_delayed(now);
      start_ready(now);
      curl_.multi_perform(multi_, &running);
      drain();
      if (done_ >= urls_.size()) break;
      // Sleep until a socket is ready or the next job may start.
      long wait_ms = 100;
      if (const auto next = next_wake(); next != Clock::time_point::max()) {
        const auto until = std::chrono::duration_cast<Ms>(next - Clock::now()).count();
        wait_ms = std::clamp<long>(static_cast<long>(until), 0, 100);
      }
      if (active_ == 0 && wait_ms > 0) {
        std::this_thread::sleep_for(Ms(wait_ms));
      } else {
        curl_.multi_poll(multi_, nullptr, 0, static_cast<int>(wait_ms), nullptr);
      }
    }
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
    if (!job->options->allow_private) {
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

  void start(Job& j) {
    j.blocked = false;
    j.blocked_reason.clear();
    j.capped = false;
    j.challenge = false;
    j.errbuf[0] = '\0';
    CURL* e = curl_.easy_init();
    if (!e) {
      finish(j, Outcome::unreachable, 0, "libcurl: cannot create a handle");
      release_host(j);
      return;
    }
    j.easy = e;
    curl_.easy_setopt(e, CURLOPT_URL, j.current.c_str());
    curl_.easy_setopt(e, CURLOPT_PRIVATE, &j);
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
    curl_.easy_setopt(e, CURLOPT_OPENSOCKETDATA, &j);
    curl_.easy_setopt(e, CURLOPT_WRITEFUNCTION, &Engine::on_body);
    curl_.easy_setopt(e, CURLOPT_WRITEDATA, &j);
    curl_.easy_setopt(e, CURLOPT_HEADERFUNCTION, &Engine::on_header);
    curl_.easy_setopt(e, CURLOPT_HEADERDATA, &j);
    curl_.easy_setopt(e, CURLOPT_ERRORBUFFER, j.errbuf);
    if (j.head) curl_.easy_setopt(e, CURLOPT_NOBODY, 1L);
    else curl_.easy_setopt(e, CURLOPT_HTTPGET, 1L);
    ++results_[j.index].requests;
    curl_.multi_add_handle(multi_, e);
    ++active_;
  }

  void release_host(Job& j) {
    auto& host = hosts_[j.host_key];
    if (host.in_flight > 0) --host.in_flight;
  }

  void drain() {
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
      curl_.multi_remove_handle(multi_, e);
      curl_.easy_cleanup(e);
      j->easy = nullptr;
      --active_;
      release_host(*j);
      results_[j->index].body_bytes += j->body;
      j->body = 0;
      completed(*j, rc, status, redirect, static_cast<long>(retry_after), os_errno);
    }
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
    const std::string detail = errbuf && *errbuf ? std::string(errbuf) : curl_library().easy_strerror(rc);
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
  int active_ = 0;
  std::size_t done_ = 0;
  std::size_t failing_ = 0;
  Clock::time_point started_;
  std::mt19937 rng_;
};

}  // namespace

std::vector<CheckResult> check_urls(const std::vector<std::string>& urls, const EngineOptions& options,
                                    const LinkProgressFn& progress) {
  if (urls.empty()) return {};
  Engine engine(urls, options, progress);
  return engine.run();
}

}  // namespace al::links
