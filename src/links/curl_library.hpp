#pragma once
// libcurl, loaded when the first link is checked instead of linked into the
// binary: libcurl brings in some thirty shared libraries (TLS, Kerberos, LDAP,
// SSH, ...) whose loading took 5.6 ms of every process start on the bench
// machine, while the pre-commit hook and `check --offline` never use it.
// The ABI of libcurl.so.4 has been stable since 2006; the headers still come
// from the libcurl development package, so the prototypes are checked at
// compile time.
#include <curl/curl.h>

namespace al::links {

struct CurlLibrary {
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  CURLM* (*multi_init)();
  CURLMcode (*multi_setopt)(CURLM*, CURLMoption, ...);
  CURLMcode (*multi_add_handle)(CURLM*, CURL*);
  CURLMcode (*multi_remove_handle)(CURLM*, CURL*);
  CURLMcode (*multi_socket_action)(CURLM*, curl_socket_t, int, int*);
  CURLMcode (*multi_assign)(CURLM*, curl_socket_t, void*);
  CURLMcode (*multi_timeout)(CURLM*, long*);
  CURLMsg* (*multi_info_read)(CURLM*, int*);
  CURLMcode (*multi_cleanup)(CURLM*);
};

// Loads libcurl once (thread-safe) and runs curl_global_init. Throws
// std::runtime_error naming the library and the loader's reason when it
// cannot; later calls throw the same error again.
const CurlLibrary& curl_library();

}  // namespace al::links
