#include "links/curl_library.hpp"

#include "archive_lint/links.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>

#ifndef ARCHIVE_LINT_CURL_SONAME
#define ARCHIVE_LINT_CURL_SONAME "libcurl.so.4"
#endif

namespace al::links {

namespace {

template <typename Fn>
void resolve(void* handle, const char* name, Fn& slot, std::string& missing) {
  slot = reinterpret_cast<Fn>(::dlsym(handle, name));
  if (!slot) missing += (missing.empty() ? "" : ", ") + std::string(name);
}

// The slot's type must be the header's prototype; decltype does not reference
// the symbol, so nothing here needs libcurl at link time.
#define AL_CURL_RESOLVE(slot, symbol)                                           \
  static_assert(std::is_same_v<std::remove_reference_t<decltype(slot)>, decltype(&::symbol)>); \
  resolve(handle, #symbol, slot, missing)

struct Loaded {
  CurlLibrary library{};
  std::string error;
};

Loaded load() {
  Loaded out;
  // The soname the build was configured against, then the other Debian flavour.
  void* handle = nullptr;
  std::string reasons;
  for (const char* name : {ARCHIVE_LINT_CURL_SONAME, "libcurl.so.4", "libcurl-gnutls.so.4"}) {
    handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle) break;
    const char* why = ::dlerror();
    reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why ? why : name);
  }
  if (!handle) {
    out.error = fmt::format("checking links needs libcurl, which could not be loaded ({}); on Debian: apt-get install libcurl4",
                            reasons);
    return out;
  }
  CurlLibrary& c = out.library;
  std::string missing;
  AL_CURL_RESOLVE(c.easy_init, curl_easy_init);
  AL_CURL_RESOLVE(c.easy_setopt, curl_easy_setopt);
  AL_CURL_RESOLVE(c.easy_getinfo, curl_easy_getinfo);
  AL_CURL_RESOLVE(c.easy_cleanup, curl_easy_cleanup);
  AL_CURL_RESOLVE(c.easy_strerror, curl_easy_strerror);
  AL_CURL_RESOLVE(c.multi_init, curl_multi_init);
  AL_CURL_RESOLVE(c.multi_setopt, curl_multi_setopt);
  AL_CURL_RESOLVE(c.multi_add_handle, curl_multi_add_handle);
  AL_CURL_RESOLVE(c.multi_remove_handle, curl_multi_remove_handle);
  AL_CURL_RESOLVE(c.multi_socket_action, curl_multi_socket_action);
  AL_CURL_RESOLVE(c.multi_assign, curl_multi_assign);
  AL_CURL_RESOLVE(c.multi_timeout, curl_multi_timeout);
  AL_CURL_RESOLVE(c.multi_info_read, curl_multi_info_read);
  AL_CURL_RESOLVE(c.multi_cleanup, curl_multi_cleanup);
  using GlobalInit = CURLcode (*)(long);
  GlobalInit global_init = nullptr;
  AL_CURL_RESOLVE(global_init, curl_global_init);
  if (!missing.empty()) {
    out.error = fmt::format("the libcurl that was loaded lacks {} (libcurl 7.66 or later is needed)", missing);
    return out;
  }
  if (const CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    out.error = fmt::format("libcurl failed to initialise (curl_global_init returned {})", static_cast<int>(rc));
  }
  // The handle stays open for the life of the process, as a linked library would.
  return out;
}

}  // namespace

const CurlLibrary& curl_library() {
  static const Loaded loaded = load();  // C++11 guarantees one thread initialises it
  if (!loaded.error.empty()) throw std::runtime_error(loaded.error);
  return loaded.library;
}

}  // namespace al::links

namespace al {

std::future<void> preload_link_engine() {
  return std::async(std::launch::async, [] {
    try {
      links::curl_library();
    } catch (const std::exception&) {
      // Reported by the engine, which calls curl_library() again.
    }
  });
}

}  // namespace al
