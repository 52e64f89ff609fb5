#include "archive_lint/check.hpp"

#include <fmt/format.h>

#include "archive_lint/yaml_read.hpp"

#include <new>
#include <stdexcept>

namespace al {

namespace {

// The exception being handled, in words; its own text follows in parentheses.
std::string current_exception_in_words() {
  try {
    throw;
  } catch (const std::out_of_range& e) {
    return fmt::format("it read past the end of its data ({})", e.what());
  } catch (const std::length_error& e) {
    return fmt::format("it needed a string or list longer than it can hold ({})", e.what());
  } catch (const std::bad_alloc&) {
    return "it ran out of memory";
  } catch (const std::exception& e) {
    return fmt::format("it stopped with an error ({})", e.what());
  } catch (...) {
    return "it stopped with an exception that carries no message";
  }
}

}  // namespace

std::string check_failure_message(std::string_view what_failed, std::string_view consequence) {
  return fmt::format("{}: {}; {}. This is a bug in archive-lint: please report it with this file", what_failed,
                     current_exception_in_words(), consequence);
}

bool Emitter::suppressed(std::size_t begin) const {
  const Suppressions& s = doc_.suppressions;
  if (s.lines.empty() && s.file_patterns.empty()) return false;
  return s.covers(rule_id_, doc_.lines.line_of(std::min(begin, doc_.bytes.size())));
}

void Emitter::report(std::size_t begin, std::size_t end, std::string message, std::optional<Fix> fix) {
  if (full()) {
    omit(begin, end);
    return;
  }
  if (suppressed(begin)) return;
  ++listed_;
  push(begin, end, std::move(message), std::move(fix));
}

void Emitter::push(std::size_t begin, std::size_t end, std::string message, std::optional<Fix> fix) {
  Diagnostic d;
  d.rule_id = std::string(rule_id_);
  d.severity = severity_;
  d.message = std::move(message);
  d.path = doc_.path;
  d.start = doc_.position(begin);
  d.end = doc_.position(std::max(begin, end));
  d.fix = std::move(fix);
  set_source_excerpt(d, doc_.line_text(d.start.line), begin - doc_.lines.line_start(d.start.line));
  out_.push_back(std::move(d));
}

void Emitter::omit(std::size_t begin, std::size_t end) {
  if (suppressed(begin)) return;
  if (omitted_++ == 0) {
    first_omitted_begin_ = begin;
    first_omitted_end_ = std::max(begin, end);
  }
}

Emitter::~Emitter() {
  if (omitted_ == 0) return;
  try {
    // Listed at the first finding left out, so the reader lands where the list stops.
    push(first_omitted_begin_, first_omitted_end_,
         fmt::format("... and {} more {} findings in this file, not listed: archive-lint lists at most {} per "
                     "rule and file",
                     omitted_, rule_id_, kMaxFindingsPerRule),
         std::nullopt);
  } catch (...) {
    // Out of memory while writing the summary: the listed findings stand.
  }
}

void Emitter::report_line(std::uint32_t line, std::string message) {
  const std::size_t begin = doc_.lines.line_start(line);
  report(begin, begin + doc_.line_text(line).size(), std::move(message));
}


namespace {
std::string option_subject(const std::string& name) { return fmt::format("option '{}'", name); }
}  // namespace

std::string option_string(const YAML::Node& options, const std::string& name, const std::string& fallback) {
  const YAML::Node node = options[name];
  return yaml_read::absent(node) ? fallback : yaml_read::string(node, option_subject(name));
}

std::vector<std::string> option_string_list(const YAML::Node& options, const std::string& name,
                                            const std::vector<std::string>& fallback) {
  const YAML::Node node = options[name];
  return yaml_read::absent(node) ? fallback : yaml_read::string_list(node, option_subject(name));
}

bool option_bool(const YAML::Node& options, const std::string& name, bool fallback) {
  const YAML::Node node = options[name];
  return yaml_read::absent(node) ? fallback : yaml_read::boolean(node, option_subject(name));
}

long option_int(const YAML::Node& options, const std::string& name, long fallback) {
  const YAML::Node node = options[name];
  return yaml_read::absent(node) ? fallback : yaml_read::integer(node, option_subject(name));
}

}  // namespace al
